"use client";

// The workspace's messages in the corner (see use-notices.ts): the status line, dismissible, and
// each failure in full until dismissed. Announced as they appear.
import { ErrorAlert } from "@/components/ui/error-alert";
import type { WorkspaceError } from "./use-notices";

export function WorkspaceToasts(props: { status: string | null; onDismissStatus: () => void; errors: WorkspaceError[]; onDismissError: (id: number) => void }) {
  return (
    <div className="rb-toasts" aria-live="assertive">
      {props.status && (
        <div className="rb-alert" role="status" style={{ borderColor: "var(--border)", background: "var(--surface)" }}>
          <div className="rb-alert-body">{props.status}</div>
          <button type="button" className="rb-btn rb-btn-ghost rb-btn-sm" onClick={props.onDismissStatus} aria-label="Dismiss message">
            ✕
          </button>
        </div>
      )}
      {props.errors.map((e) => (
        <ErrorAlert key={e.id} error={e.error} onDismiss={() => props.onDismissError(e.id)} />
      ))}
    </div>
  );
}
