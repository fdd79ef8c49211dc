"use client";

// API keys for the execute endpoint: create (the secret is shown once) for every rule or a listed
// set, list with owner and scope, revoke with a confirm.
import { useEffect, useRef, useState, type FormEvent } from "react";
import { api, type ApiKey } from "@/components/lib/api-client";
import { useAction } from "@/components/lib/use-action";
import { Dialog } from "@/components/ui/dialog";
import { ErrorAlert } from "@/components/ui/error-alert";
import { TimeAgo } from "@/components/ui/time-ago";

/** A rule a key can be scoped to. */
export type ScopeRule = { id: string; name: string; archived: boolean };

export function ApiKeysPanel({ initialKeys, rules }: { initialKeys: ApiKey[]; rules: ScopeRule[] }) {
  const ruleNames = new Map(rules.map((r) => [r.id, r.name]));
  const [keys, setKeys] = useState(initialKeys);
  const [created, setCreated] = useState<{ key: ApiKey; secret: string } | null>(null);
  const [confirming, setConfirming] = useState<ApiKey | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [revoking, perform] = useAction(setError);
  const [status, setStatus] = useState("");

  const reload = async () => setKeys((await api.listApiKeys()).keys);

  const revoke = (key: ApiKey) =>
    perform(async () => {
      await api.revokeApiKey(key.id);
      setConfirming(null);
      setStatus(`Revoked “${key.name}”. Requests with it now get 401.`);
      if (created?.key.id === key.id) setCreated(null);
      await reload();
    });

  return (
    <div className="rb-home">
      <div className="rb-home-top">
        <div>
          <h1>API keys</h1>
          <p className="rb-muted" style={{ margin: "4px 0 0" }}>
            Other systems call <code>POST /api/rules/:id/execute</code> with a key: <code>Authorization: Bearer &lt;key&gt;</code>. Rulebox
            stores only a hash of each key. A key limited to some rules gets 403 for any other; a disabled owner&apos;s keys stop working.
          </p>
        </div>
      </div>

      <CreateKeyForm
        rules={rules.filter((r) => !r.archived)}
        onCreated={async (result) => {
          setCreated(result);
          setStatus("");
          try {
            await reload();
          } catch (err) {
            setError(err);
          }
        }}
        onError={setError}
      />

      {created && <NewSecret name={created.key.name} secret={created.secret} onDone={() => setCreated(null)} />}

      {error !== null && <ErrorAlert error={error} onDismiss={() => setError(null)} />}
      <div role="status" aria-live="polite" style={{ minHeight: 20 }}>
        {status}
      </div>

      <div className="rb-card" style={{ overflow: "auto" }}>
        <table className="rb-table" aria-label="API keys">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Key</th>
              <th scope="col">Scope</th>
              <th scope="col">Owner</th>
              <th scope="col">Created</th>
              <th scope="col">Last used</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {keys.map((key) => (
              <tr key={key.id} className={key.revokedAt ? "rb-archived" : undefined}>
                <td>
                  {key.name}
                  {key.revokedAt && (
                    <span className="rb-badge" style={{ marginLeft: 8 }} title={`Revoked ${new Date(key.revokedAt).toLocaleString()}`}>
                      revoked
                    </span>
                  )}
                </td>
                <td>
                  <code>{key.prefix}…</code>
                </td>
                <td>
                  <KeyScope ruleIds={key.ruleIds ?? null} ruleNames={ruleNames} />
                </td>
                <td>{key.ownerEmail ?? <span className="rb-muted">—</span>}</td>
                <td>
                  <TimeAgo iso={key.createdAt} />
                </td>
                <td>{key.lastUsedAt ? <TimeAgo iso={key.lastUsedAt} /> : <span className="rb-muted">never</span>}</td>
                <td>
                  <div className="rb-row-actions">
                    {!key.revokedAt && (
                      <button type="button" className="rb-btn rb-btn-sm rb-btn-danger" aria-label={`Revoke ${key.name}`} onClick={() => setConfirming(key)}>
                        Revoke
                      </button>
                    )}
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {keys.length === 0 && <p className="rb-empty">No API keys yet — create one above to let another system execute rules.</p>}
      </div>

      <Dialog open={confirming !== null} onClose={() => setConfirming(null)} title="Revoke API key">
        {confirming && (
          <div className="rb-dialog-inner">
            <h2>Revoke “{confirming.name}”?</h2>
            <p style={{ margin: 0 }}>
              Systems using <code>{confirming.prefix}…</code> get <strong>401 Unauthorized</strong> from now on. This cannot be undone; create a new
              key to restore access.
            </p>
            <div className="rb-dialog-actions">
              <button type="button" className="rb-btn" onClick={() => setConfirming(null)}>
                Cancel
              </button>
              <button type="button" className="rb-btn rb-btn-danger" disabled={revoking} onClick={() => void revoke(confirming)}>
                {revoking ? "Revoking…" : "Revoke key"}
              </button>
            </div>
          </div>
        )}
      </Dialog>
    </div>
  );
}

/** "All rules", or the names of the rules a key may execute. */
function KeyScope({ ruleIds, ruleNames }: { ruleIds: string[] | null; ruleNames: Map<string, string> }) {
  if (ruleIds === null) return <span className="rb-badge">all rules</span>;
  const names = ruleIds.map((id) => ruleNames.get(id) ?? id);
  return (
    <span title={names.join("\n")}>
      {names.length <= 2 ? names.join(", ") : `${names.slice(0, 2).join(", ")} and ${names.length - 2} more`}
    </span>
  );
}

function CreateKeyForm({ rules, onCreated, onError }: { rules: ScopeRule[]; onCreated: (result: { key: ApiKey; secret: string }) => Promise<void>; onError: (err: unknown) => void }) {
  const [name, setName] = useState("");
  const [scope, setScope] = useState<"all" | "some">("all");
  const [picked, setPicked] = useState<Set<string>>(new Set());
  const [busy, perform] = useAction(onError);
  const scopeMissing = scope === "some" && picked.size === 0;
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const trimmed = name.trim();
    if (!trimmed || scopeMissing) return;
    await perform(async () => {
      const result = await api.createApiKey(trimmed, scope === "all" ? null : rules.filter((r) => picked.has(r.id)).map((r) => r.id));
      setName("");
      setScope("all");
      setPicked(new Set());
      await onCreated(result);
    });
  };
  const toggle = (id: string, on: boolean) =>
    setPicked((p) => {
      const next = new Set(p);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });
  return (
    <form className="rb-card rb-create rb-create-wrap" onSubmit={submit} aria-label="Create API key">
      <label className="rb-field">
        <span>Key name</span>
        <input className="rb-input" value={name} onChange={(e) => setName(e.target.value)} placeholder="e.g. Checkout service (production)" maxLength={100} required />
      </label>
      <fieldset className="rb-field rb-scope">
        <legend>May execute</legend>
        <label className="rb-row" style={{ gap: 6 }}>
          <input type="radio" name="key-scope" checked={scope === "all"} onChange={() => setScope("all")} />
          All rules
        </label>
        <label className="rb-row" style={{ gap: 6 }}>
          <input type="radio" name="key-scope" checked={scope === "some"} onChange={() => setScope("some")} />
          Only these rules
        </label>
        {scope === "some" && (
          <div className="rb-scope-list" role="group" aria-label="Rules this key may execute">
            {rules.length === 0 && <span className="rb-muted">No rules yet.</span>}
            {rules.map((r) => (
              <label key={r.id} className="rb-row" style={{ gap: 6 }}>
                <input type="checkbox" checked={picked.has(r.id)} onChange={(e) => toggle(r.id, e.target.checked)} />
                {r.name}
              </label>
            ))}
          </div>
        )}
        {scopeMissing && <span className="rb-hint">Pick at least one rule.</span>}
      </fieldset>
      <button type="submit" className="rb-btn rb-btn-primary" disabled={busy || name.trim() === "" || scopeMissing}>
        {busy ? "Creating…" : "Create key"}
      </button>
    </form>
  );
}

function NewSecret({ name, secret, onDone }: { name: string; secret: string; onDone: () => void }) {
  const [copy, setCopy] = useState<"idle" | "copied" | "failed">("idle");
  const codeRef = useRef<HTMLElement>(null);
  const regionRef = useRef<HTMLElement>(null);
  useEffect(() => {
    regionRef.current?.focus();
  }, [secret]);

  const copySecret = async () => {
    try {
      await navigator.clipboard.writeText(secret);
      setCopy("copied");
    } catch {
      // Clipboard access can be denied (permissions, insecure origin): select the text for a manual copy.
      const node = codeRef.current;
      if (node) window.getSelection()?.selectAllChildren(node);
      setCopy("failed");
    }
  };

  return (
    <section ref={regionRef} tabIndex={-1} className="rb-card rb-secret" aria-label="New API key">
      <h2>Copy the key for “{name}” now</h2>
      <p>
        <strong>You won&apos;t see it again.</strong> Rulebox keeps only a hash of it; if it is lost, revoke it and create another.
      </p>
      <div className="rb-secret-value">
        <code ref={codeRef} data-testid="new-api-key-secret">
          {secret}
        </code>
        <button type="button" className="rb-btn rb-btn-primary" onClick={() => void copySecret()}>
          {copy === "copied" ? "Copied" : "Copy key"}
        </button>
      </div>
      {copy === "failed" && <p className="rb-hint">Copying was not allowed here; the key is selected — press Ctrl+C (⌘C).</p>}
      <pre aria-label="Example request">{`curl -X POST "$RULEBOX_URL/api/rules/<rule id>/execute" \\
  -H "Authorization: Bearer ${secret}" \\
  -H "content-type: application/json" \\
  -d '{"input": {}}'`}</pre>
      <div className="rb-dialog-actions">
        <button type="button" className="rb-btn" onClick={onDone}>
          I&apos;ve stored it
        </button>
      </div>
    </section>
  );
}
