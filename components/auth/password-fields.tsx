"use client";

// A new password typed twice; the server holds the policy (length, not the email), this only
// catches a mistyped confirmation before asking it. Hints sit outside the <label>s so each field's
// accessible name is just its label.
import { useId } from "react";

export function NewPasswordFields(props: {
  label?: string;
  password: string;
  confirm: string;
  minLength: number;
  onPassword: (value: string) => void;
  onConfirm: (value: string) => void;
}) {
  const id = useId();
  const label = props.label ?? "Password";
  const mismatch = props.confirm !== "" && props.confirm !== props.password;
  return (
    <>
      <div className="rb-field">
        <label className="rb-field-label" htmlFor={`${id}-password`}>
          {label}
        </label>
        <input
          id={`${id}-password`}
          className="rb-input"
          type="password"
          autoComplete="new-password"
          value={props.password}
          onChange={(e) => props.onPassword(e.target.value)}
          minLength={props.minLength}
          maxLength={256}
          required
          aria-describedby={`${id}-hint`}
        />
        <span id={`${id}-hint`} className="rb-hint">
          At least {props.minLength} characters; a passphrase of a few words works well.
        </span>
      </div>
      <div className="rb-field">
        <label className="rb-field-label" htmlFor={`${id}-confirm`}>
          Confirm {label.toLowerCase()}
        </label>
        <input
          id={`${id}-confirm`}
          className="rb-input"
          type="password"
          autoComplete="new-password"
          value={props.confirm}
          onChange={(e) => props.onConfirm(e.target.value)}
          required
          aria-invalid={mismatch}
          aria-describedby={mismatch ? `${id}-mismatch` : undefined}
        />
        {mismatch && (
          <span id={`${id}-mismatch`} className="rb-field-error">
            The two passwords differ.
          </span>
        )}
      </div>
    </>
  );
}
