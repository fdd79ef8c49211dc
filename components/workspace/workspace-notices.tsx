"use client";

// The banners above the editor: unsaved changes taken back from the browser (with discarding them)
// and an archived rule (with restoring it, for a publisher). The row is always rendered, empty most
// of the time, because the workspace grid has a row for it.
import type { StoredWorkingCopy } from "./working-copy-store";

export function WorkspaceNotices(props: {
  restoredCopy: StoredWorkingCopy | null;
  /** The latest saved version, to say when the restored changes started from an older one. */
  savedNumber: number | null;
  onDiscardRestored: () => void;
  onDismissRestored: () => void;
  archived: boolean;
  canUnarchive: boolean;
  unarchiving: boolean;
  onUnarchive: () => void;
}) {
  const { restoredCopy } = props;
  return (
    <div className="rb-ws-notices">
      {restoredCopy && (
        <div className="rb-archived-banner" role="status" aria-label="Restored unsaved changes">
          <span>
            Restored your unsaved changes from {new Date(restoredCopy.savedAt).toLocaleString()}
            {restoredCopy.baseVersion !== null && restoredCopy.baseVersion !== props.savedNumber
              ? ` (started from v${restoredCopy.baseVersion}; the latest is v${props.savedNumber ?? "—"})`
              : ""}
            .
          </span>
          <button type="button" className="rb-btn rb-btn-sm" onClick={props.onDiscardRestored}>
            Discard them
          </button>
          <button type="button" className="rb-btn rb-btn-ghost rb-btn-sm" onClick={props.onDismissRestored} aria-label="Dismiss">
            ✕
          </button>
        </div>
      )}
      {props.archived && (
        <div className="rb-archived-banner" role="status">
          <span>This rule is archived: you can still run it here, but it takes no new versions and other systems cannot execute it.</span>
          {props.canUnarchive && (
            <button type="button" className="rb-btn rb-btn-sm" disabled={props.unarchiving} onClick={props.onUnarchive}>
              {props.unarchiving ? "Restoring…" : "Restore rule"}
            </button>
          )}
        </div>
      )}
    </div>
  );
}
