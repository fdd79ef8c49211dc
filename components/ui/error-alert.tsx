"use client";

import { describeError } from "@/components/lib/api-client";

/** Shows an API or network failure in full: message, code, HTTP status and any field details. */
export function ErrorAlert({ error, onDismiss }: { error: unknown; onDismiss?: () => void }) {
  const { title, lines } = describeError(error);
  return (
    <div className="rb-alert" role="alert">
      <div className="rb-alert-body">
        <strong>{title}</strong>
        {lines.length > 0 && (
          <ul>
            {lines.map((line, i) => (
              <li key={i}>{line}</li>
            ))}
          </ul>
        )}
      </div>
      {onDismiss && (
        <button type="button" className="rb-btn rb-btn-ghost rb-btn-sm" onClick={onDismiss} aria-label="Dismiss error">
          ✕
        </button>
      )}
    </div>
  );
}
