"use client";

// Email and password → a session cookie, then a full page load of where the person was going (the
// pages render for their role on the server). Wrong credentials, a disabled account and the
// throttle (429, with how long to wait) come back as the server's envelope.
import { useState, type FormEvent } from "react";
import { api } from "@/components/lib/api-client";
import { useAction } from "@/components/lib/use-action";
import { ErrorAlert } from "@/components/ui/error-alert";

export function SignInForm({ next }: { next: string }) {
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [busy, perform] = useAction(setError);
  const [done, setDone] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    await perform(async () => {
      await api.signIn({ email: email.trim(), password });
      setDone(true);
      window.location.assign(next);
    });
  };
  return (
    <form className="rb-stack" onSubmit={submit} aria-label="Sign in">
      <label className="rb-field">
        <span>Email</span>
        <input className="rb-input" type="email" autoComplete="username" value={email} onChange={(e) => setEmail(e.target.value)} required autoFocus maxLength={254} />
      </label>
      <label className="rb-field">
        <span>Password</span>
        <input className="rb-input" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required maxLength={256} />
      </label>
      {error !== null && <ErrorAlert error={error} onDismiss={() => setError(null)} />}
      <button type="submit" className="rb-btn rb-btn-primary" disabled={busy || done}>
        {busy || done ? "Signing in…" : "Sign in"}
      </button>
    </form>
  );
}
