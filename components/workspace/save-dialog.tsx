"use client";

// The Save dialog: the message for the new version (required), a warning when nothing changed since
// the saved one, and what is saved with it. The message starts empty each time it opens.
import { useEffect, useState } from "react";
import type { Language } from "@/server/contracts/run";
import { Dialog } from "@/components/ui/dialog";

export function SaveDialog(props: { open: boolean; saving: boolean; language: Language; unchangedFrom: number | null; nextNumber: number; onClose: () => void; onSave: (message: string) => void }) {
  const [message, setMessage] = useState("");
  useEffect(() => {
    if (props.open) setMessage("");
  }, [props.open]);
  return (
    <Dialog open={props.open} onClose={props.onClose} title="Save version">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (message.trim()) props.onSave(message.trim());
        }}
      >
        <h2>Save version {props.nextNumber}</h2>
        <label className="rb-field">
          <span>
            Message <span className="rb-muted">(required: it is kept in the history)</span>
          </span>
          <input className="rb-input" autoFocus value={message} onChange={(e) => setMessage(e.target.value)} placeholder="What changed?" maxLength={500} required />
        </label>
        {props.unchangedFrom !== null && (
          <p className="rb-hint" style={{ margin: 0, color: "var(--warn)" }}>
            Nothing changed since v{props.unchangedFrom}; this would save an identical version.
          </p>
        )}
        <p className="rb-hint" style={{ margin: 0 }}>
          Versions are immutable. This one is saved as {props.language === "typescript" ? "TypeScript" : props.language === "python" ? "Python" : "JavaScript"} with the rule&apos;s current limits.
        </p>
        <div className="rb-dialog-actions">
          <button type="button" className="rb-btn" onClick={props.onClose}>
            Cancel
          </button>
          <button type="submit" className="rb-btn rb-btn-primary" disabled={props.saving || message.trim() === ""}>
            {props.saving ? "Saving…" : "Save version"}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
