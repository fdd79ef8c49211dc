"use client";

// Publish: make a saved version the live one. Shows what changes for callers (a diff of the live
// version against the candidate) and asks for a message; the move is recorded as a deployment.
import { useEffect, useState } from "react";
import { api, type Version, type VersionSummary } from "@/components/lib/api-client";
import { Dialog } from "@/components/ui/dialog";
import { ReplayPanel } from "./replay-summary";
import { SourceDiff } from "./source-views";

export function PublishDialog(props: {
  open: boolean;
  ruleId: string;
  versions: VersionSummary[];
  live: number | null;
  /** The version the dialog opens on (usually the latest saved). */
  initialVersion: number | null;
  publishing: boolean;
  theme: "light" | "dark";
  onClose: () => void;
  onPublish: (version: number, message: string) => void;
  onError: (error: unknown) => void;
}) {
  const [version, setVersion] = useState<number | null>(props.initialVersion);
  const [message, setMessage] = useState("");
  const [sides, setSides] = useState<{ live: Version | null; candidate: Version } | null>(null);
  const { open, initialVersion, ruleId, live, onError } = props;

  useEffect(() => {
    if (!open) return;
    setVersion(initialVersion);
    setMessage("");
  }, [open, initialVersion]);

  useEffect(() => {
    if (!open || version === null) return;
    let cancelled = false;
    setSides(null);
    void (async () => {
      try {
        const [candidate, current] = await Promise.all([
          api.getVersion(ruleId, version),
          live !== null && live !== version ? api.getVersion(ruleId, live) : Promise.resolve(null),
        ]);
        if (!cancelled) setSides({ candidate: candidate.version, live: current?.version ?? null });
      } catch (err) {
        if (!cancelled) onError(err);
      }
    })();
    return () => {
      cancelled = true;
    };
  }, [open, version, live, ruleId, onError]);

  const alreadyLive = version !== null && version === live;
  return (
    <Dialog open={props.open} onClose={props.onClose} title="Publish version" wide>
      <form
        className="rb-stack"
        onSubmit={(e) => {
          e.preventDefault();
          if (version !== null && !alreadyLive && message.trim()) props.onPublish(version, message.trim());
        }}
      >
        <h2>Publish</h2>
        <p className="rb-hint" style={{ margin: 0 }}>
          The published version is what other systems get from <code>/execute</code> (unless they pin a version). It is live at once; roll back by publishing an earlier
          version.
        </p>
        <div className="rb-row" style={{ gap: 12 }}>
          <label className="rb-row" style={{ gap: 6 }}>
            <span>Version</span>
            <select className="rb-select" aria-label="Version to publish" value={version ?? ""} onChange={(e) => setVersion(Number(e.target.value))}>
              {props.versions.map((v) => (
                <option key={v.number} value={v.number}>
                  v{v.number}
                  {v.number === live ? " (live)" : ""} — {v.message || "no message"}
                </option>
              ))}
            </select>
          </label>
          <span className="rb-muted" aria-label="Live version now">
            {live === null ? "Nothing is live yet" : `Live now: v${live}`}
          </span>
        </div>
        {alreadyLive ? (
          <p className="rb-hint" style={{ margin: 0, color: "var(--warn)" }}>
            v{version} is already live.
          </p>
        ) : sides === null ? (
          <p className="rb-muted">Loading the change…</p>
        ) : sides.live === null ? (
          <p className="rb-hint" style={{ margin: 0 }}>
            First release: callers that get “not published” today will get v{sides.candidate.number}.
          </p>
        ) : (
          <div className="rb-publish-diff" aria-label="Change against the live version" role="region">
            <SourceDiff
              key={`${sides.live.number}-${sides.candidate.number}`}
              original={{ source: sides.live.source, language: sides.live.language, label: `v${sides.live.number} (live)` }}
              modified={{ source: sides.candidate.source, language: sides.candidate.language, label: `v${sides.candidate.number}` }}
              theme={props.theme}
            />
          </div>
        )}
        {!alreadyLive && <ReplayPanel key={version ?? "none"} ruleId={props.ruleId} version={version} live={live} onError={onError} />}
        <label className="rb-field">
          <span>
            Message <span className="rb-muted">(required: it is kept in the history)</span>
          </span>
          <input className="rb-input" value={message} onChange={(e) => setMessage(e.target.value)} placeholder="Why this goes live" maxLength={500} required />
        </label>
        <div className="rb-dialog-actions">
          <button type="button" className="rb-btn" onClick={props.onClose}>
            Cancel
          </button>
          <button type="submit" className="rb-btn rb-btn-primary" disabled={props.publishing || version === null || alreadyLive || message.trim() === ""}>
            {props.publishing ? "Publishing…" : version === null ? "Publish" : `Publish v${version}`}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
