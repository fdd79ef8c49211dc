"use client";

// The deployment timeline: every move of the live version, newest first, with Roll back on each
// earlier one (which publishes that version again, recorded as a new deployment).
import type { Deployment } from "@/components/lib/api-client";
import { TimeAgo } from "@/components/ui/time-ago";

export function DeploymentsList(props: { deployments: Deployment[] | null; live: number | null; busy: boolean; archived: boolean; canRollBack?: boolean; onRollBack: (version: number) => void }) {
  if (props.deployments === null) return <p className="rb-muted">Loading deployments…</p>;
  if (props.deployments.length === 0) return <p className="rb-muted">Never published: callers get “not published” until a version is.</p>;
  return (
    <ol className="rb-list" aria-label="Deployments">
      {props.deployments.map((d, i) => (
        <li key={d.id} className="rb-case" style={{ padding: "6px 8px" }} aria-label={`Deployment of version ${d.toVersion}`}>
          <div className="rb-row" style={{ justifyContent: "space-between" }}>
            <div className="rb-row" style={{ gap: 6 }}>
              <strong>{d.fromVersion === null ? `v${d.toVersion}` : `v${d.fromVersion} → v${d.toVersion}`}</strong>
              {i === 0 && <span className="rb-badge rb-badge-live">live</span>}
            </div>
            <span className="rb-muted" style={{ fontSize: 12 }}>
              <TimeAgo iso={d.createdAt} />
            </span>
          </div>
          <div style={{ margin: "2px 0 6px", wordBreak: "break-word" }}>
            {d.message || <span className="rb-muted">(no message)</span>}
            {d.actor && <span className="rb-muted" aria-label="Published by"> — {d.actor}</span>}
          </div>
          {(props.canRollBack ?? true) && i > 0 && d.toVersion !== props.live && (
            <button
              type="button"
              className="rb-btn rb-btn-sm"
              disabled={props.busy || props.archived}
              onClick={() => props.onRollBack(d.toVersion)}
              aria-label={`Roll back to version ${d.toVersion}`}
              title={props.archived ? "Restore the rule first" : `Publish v${d.toVersion} again`}
            >
              Roll back to v{d.toVersion}
            </button>
          )}
        </li>
      ))}
    </ol>
  );
}
