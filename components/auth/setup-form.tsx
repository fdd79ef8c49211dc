"use client";

// The first start of an empty database: create the first admin, who is then signed in. The server
// accepts this once (a second attempt, or a race of two, gets 409).
import { useState, type FormEvent } from "react";
import { api } from "@/components/lib/api-client";
import { useAction } from "@/components/lib/use-action";
import { ErrorAlert } from "@/components/ui/error-alert";
import { NewPasswordFields } from "./password-fields";

export function SetupForm({ minPasswordLength }: { minPasswordLength: number }) {
  const [email, setEmail] = useState("");
  const [name, setName] = useState("");
  const [password, setPassword] = useState("");
  const [confirm, setConfirm] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [busy, perform] = useAction(setError);
  const [done, setDone] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (password !== confirm) return;
    await perform(async () => {
      await api.setup({ email: email.trim(), ...(name.trim() ? { name: name.trim() } : {}), password });
      setDone(true);
      window.location.assign("/");
    });
  };
  return (
    <form className="rb-stack" onSubmit={submit} aria-label="Create the first admin">
      <label className="rb-field">
        <span>Email</span>
        <input className="rb-input" type="email" autoComplete="username" value={email} onChange={(e) => setEmail(e.target.value)} required autoFocus maxLength={254} />
      </label>
      <label className="rb-field">
        <span>Name</span>
        <input className="rb-input" autoComplete="name" value={name} onChange={(e) => setName(e.target.value)} maxLength={100} placeholder="optional" />
      </label>
      <NewPasswordFields password={password} confirm={confirm} minLength={minPasswordLength} onPassword={setPassword} onConfirm={setConfirm} />
      {error !== null && <ErrorAlert error={error} onDismiss={() => setError(null)} />}
      <button type="submit" className="rb-btn rb-btn-primary" disabled={busy || done || password === "" || password !== confirm}>
        {busy || done ? "Creating…" : "Create admin and sign in"}
      </button>
    </form>
  );
}
