"use client";

// Your account: who you are, your role, and changing your password (which ends every other session;
// this one is replaced by a fresh one, so the page keeps working).
import { useState, type FormEvent } from "react";
import { ROLE_DESCRIPTIONS } from "@/server/auth/roles";
import { api } from "@/components/lib/api-client";
import { useAction } from "@/components/lib/use-action";
import { ErrorAlert } from "@/components/ui/error-alert";
import { NewPasswordFields } from "./password-fields";
import { useSession } from "./session";

export function AccountPanel({ minPasswordLength }: { minPasswordLength: number }) {
  const { user } = useSession();
  const [current, setCurrent] = useState("");
  const [password, setPassword] = useState("");
  const [confirm, setConfirm] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [status, setStatus] = useState("");
  const [busy, perform] = useAction(setError);
  if (!user) return null;
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (password !== confirm) return;
    setStatus("");
    await perform(async () => {
      await api.changePassword({ currentPassword: current, newPassword: password });
      setCurrent("");
      setPassword("");
      setConfirm("");
      setStatus("Password changed. Your other sessions have ended; sign in there again with the new password.");
    });
  };
  return (
    <div className="rb-home">
      <div className="rb-home-top">
        <h1>Your account</h1>
      </div>
      <dl className="rb-card rb-facts" aria-label="Your account">
        <dt>Email</dt>
        <dd>{user.email}</dd>
        {user.name && (
          <>
            <dt>Name</dt>
            <dd>{user.name}</dd>
          </>
        )}
        <dt>Role</dt>
        <dd>
          <span className={`rb-badge rb-badge-role rb-role-${user.role}`}>{user.role}</span> <span className="rb-muted">{ROLE_DESCRIPTIONS[user.role]}</span>
        </dd>
      </dl>
      <form className="rb-card rb-stack rb-narrow-form" onSubmit={submit} aria-label="Change password">
        <h2 className="rb-section-title">Change password</h2>
        <label className="rb-field">
          <span>Current password</span>
          <input className="rb-input" type="password" autoComplete="current-password" value={current} onChange={(e) => setCurrent(e.target.value)} required maxLength={256} />
        </label>
        <NewPasswordFields label="New password" password={password} confirm={confirm} minLength={minPasswordLength} onPassword={setPassword} onConfirm={setConfirm} />
        {error !== null && <ErrorAlert error={error} onDismiss={() => setError(null)} />}
        <div role="status" aria-live="polite">
          {status}
        </div>
        <div className="rb-row">
          <button type="submit" className="rb-btn rb-btn-primary" disabled={busy || current === "" || password === "" || password !== confirm}>
            {busy ? "Changing…" : "Change password"}
          </button>
        </div>
      </form>
    </div>
  );
}
