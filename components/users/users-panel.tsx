"use client";

// Users (admin): everyone with their role and status; create a user with a role and an initial
// password; change a role, disable or enable (a disabled user's sessions end at once), reset a
// password (their sessions end). The server refuses to leave the app without an active admin.
import { useState, type FormEvent } from "react";
import { ROLES, ROLE_DESCRIPTIONS, type Role } from "@/server/auth/roles";
import { api, type User } from "@/components/lib/api-client";
import { useAction } from "@/components/lib/use-action";
import { useSession } from "@/components/auth/session";
import { NewPasswordFields } from "@/components/auth/password-fields";
import { Dialog } from "@/components/ui/dialog";
import { ErrorAlert } from "@/components/ui/error-alert";
import { TimeAgo } from "@/components/ui/time-ago";

export function UsersPanel({ initialUsers, minPasswordLength }: { initialUsers: User[]; minPasswordLength: number }) {
  const { user: me } = useSession();
  const [users, setUsers] = useState(initialUsers);
  const [error, setError] = useState<unknown>(null);
  const [status, setStatus] = useState("");
  const [busy, perform] = useAction(setError);
  const [resetting, setResetting] = useState<User | null>(null);

  const replace = (updated: User) => setUsers((us) => us.map((u) => (u.id === updated.id ? updated : u)));

  const changeRole = (target: User, role: Role) =>
    perform(async () => {
      setStatus("");
      const { user } = await api.updateUser(target.id, { role });
      replace(user);
      setStatus(`${user.email} is now ${user.role}.`);
    });

  const setDisabled = (target: User, disabled: boolean) =>
    perform(async () => {
      setStatus("");
      if (disabled && !window.confirm(`Disable ${target.email}? They are signed out at once and their API keys stop working.`)) return;
      const { user } = await api.updateUser(target.id, { disabled });
      replace(user);
      setStatus(disabled ? `Disabled ${user.email}: their sessions have ended.` : `Enabled ${user.email}.`);
    });

  return (
    <div className="rb-home">
      <div className="rb-home-top">
        <div>
          <h1>Users</h1>
          <p className="rb-muted" style={{ margin: "4px 0 0" }}>
            Roles add up: {ROLES.map((r) => `${r} (${ROLE_DESCRIPTIONS[r]})`).join("; ")}.
          </p>
        </div>
      </div>

      <CreateUserForm
        minPasswordLength={minPasswordLength}
        onCreated={(user) => {
          setUsers((us) => [...us, user]);
          setStatus(`Created ${user.email} as ${user.role}. Give them the initial password; they can change it on their account page.`);
        }}
        onError={setError}
      />

      {error !== null && <ErrorAlert error={error} onDismiss={() => setError(null)} />}
      <div role="status" aria-live="polite" style={{ minHeight: 20 }}>
        {status}
      </div>

      <div className="rb-card" style={{ overflow: "auto" }}>
        <table className="rb-table" aria-label="Users">
          <thead>
            <tr>
              <th scope="col">Email</th>
              <th scope="col">Name</th>
              <th scope="col">Role</th>
              <th scope="col">Status</th>
              <th scope="col">Created</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {users.map((u) => (
              <tr key={u.id} className={u.disabledAt ? "rb-archived" : undefined} aria-label={u.email}>
                <td>
                  {u.email}
                  {u.id === me?.id && <span className="rb-muted"> (you)</span>}
                </td>
                <td>{u.name || <span className="rb-muted">—</span>}</td>
                <td>
                  <select className="rb-select" aria-label={`Role of ${u.email}`} value={u.role} disabled={busy} onChange={(e) => void changeRole(u, e.target.value as Role)}>
                    {ROLES.map((r) => (
                      <option key={r} value={r}>
                        {r}
                      </option>
                    ))}
                  </select>
                </td>
                <td>{u.disabledAt ? <span className="rb-badge rb-badge-error">disabled</span> : <span className="rb-badge rb-badge-ok">active</span>}</td>
                <td>{u.createdAt ? <TimeAgo iso={u.createdAt} /> : null}</td>
                <td>
                  <div className="rb-row-actions">
                    <button type="button" className="rb-btn rb-btn-sm" aria-label={`Reset password of ${u.email}`} onClick={() => setResetting(u)}>
                      Reset password
                    </button>
                    {u.disabledAt ? (
                      <button type="button" className="rb-btn rb-btn-sm" aria-label={`Enable ${u.email}`} disabled={busy} onClick={() => void setDisabled(u, false)}>
                        Enable
                      </button>
                    ) : (
                      u.id !== me?.id && (
                        <button type="button" className="rb-btn rb-btn-sm rb-btn-danger" aria-label={`Disable ${u.email}`} disabled={busy} onClick={() => void setDisabled(u, true)}>
                          Disable
                        </button>
                      )
                    )}
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <ResetPasswordDialog
        user={resetting}
        minPasswordLength={minPasswordLength}
        onClose={() => setResetting(null)}
        onDone={(u) => {
          setResetting(null);
          setStatus(`Set a new password for ${u.email}: their sessions have ended.`);
        }}
      />
    </div>
  );
}

function CreateUserForm({ minPasswordLength, onCreated, onError }: { minPasswordLength: number; onCreated: (user: User) => void; onError: (err: unknown) => void }) {
  const [email, setEmail] = useState("");
  const [name, setName] = useState("");
  const [role, setRole] = useState<Role>("author");
  const [password, setPassword] = useState("");
  const [confirm, setConfirm] = useState("");
  const [busy, perform] = useAction(onError);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (password !== confirm) return;
    await perform(async () => {
      const { user } = await api.createUser({ email: email.trim(), ...(name.trim() ? { name: name.trim() } : {}), role, password });
      setEmail("");
      setName("");
      setPassword("");
      setConfirm("");
      onCreated(user);
    });
  };
  return (
    <form className="rb-card rb-create rb-create-wrap rb-create-top" onSubmit={submit} aria-label="Create user">
      <label className="rb-field">
        <span>Email</span>
        <input className="rb-input" type="email" autoComplete="off" value={email} onChange={(e) => setEmail(e.target.value)} required maxLength={254} />
      </label>
      <label className="rb-field">
        <span>Name</span>
        <input className="rb-input" autoComplete="off" value={name} onChange={(e) => setName(e.target.value)} maxLength={100} placeholder="optional" />
      </label>
      <label className="rb-field">
        <span>Role</span>
        <select className="rb-select" value={role} onChange={(e) => setRole(e.target.value as Role)}>
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </select>
      </label>
      <NewPasswordFields label="Initial password" password={password} confirm={confirm} minLength={minPasswordLength} onPassword={setPassword} onConfirm={setConfirm} />
      <button type="submit" className="rb-btn rb-btn-primary" disabled={busy || email.trim() === "" || password === "" || password !== confirm}>
        {busy ? "Creating…" : "Create user"}
      </button>
    </form>
  );
}

function ResetPasswordDialog({ user, minPasswordLength, onClose, onDone }: { user: User | null; minPasswordLength: number; onClose: () => void; onDone: (user: User) => void }) {
  const [password, setPassword] = useState("");
  const [confirm, setConfirm] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [busy, perform] = useAction(setError);
  const close = () => {
    setPassword("");
    setConfirm("");
    setError(null);
    onClose();
  };
  return (
    <Dialog open={user !== null} onClose={close} title="Reset password">
      {user && (
        <form
          className="rb-dialog-inner"
          onSubmit={(e) => {
            e.preventDefault();
            if (password !== confirm) return;
            void perform(async () => {
              await api.updateUser(user.id, { password });
              setPassword("");
              setConfirm("");
              onDone(user);
            });
          }}
        >
          <h2>New password for {user.email}</h2>
          <p style={{ margin: 0 }}>Their sessions end now; they sign in with this password and can change it on their account page.</p>
          <NewPasswordFields label="New password" password={password} confirm={confirm} minLength={minPasswordLength} onPassword={setPassword} onConfirm={setConfirm} />
          {error !== null && <ErrorAlert error={error} onDismiss={() => setError(null)} />}
          <div className="rb-dialog-actions">
            <button type="button" className="rb-btn" onClick={close}>
              Cancel
            </button>
            <button type="submit" className="rb-btn rb-btn-primary" disabled={busy || password === "" || password !== confirm}>
              {busy ? "Setting…" : "Set password"}
            </button>
          </div>
        </form>
      )}
    </Dialog>
  );
}
