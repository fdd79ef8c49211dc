"use client";

// The rule's immutable versions, newest first: open one read-only, compare any two (or one with the
// working copy), restore one as a new version.
import { useEffect, useState } from "react";
import type { VersionSummary } from "@/components/lib/api-client";
import { TimeAgo } from "@/components/ui/time-ago";

export const WORKING_COPY = "working" as const;
export type DiffSide = number | typeof WORKING_COPY;

export function VersionsPanel(props: {
  versions: VersionSummary[] | null;
  currentNumber: number | null;
  busy: boolean;
  onOpen: (n: number) => void;
  onDiff: (left: DiffSide, right: DiffSide) => void;
  onRestore: (n: number) => void;
  /** Whether Restore (a new version) is offered: the author role. */
  canRestore?: boolean;
  /** The published version, marked "live". */
  liveNumber?: number | null;
}) {
  const versions = props.versions ?? [];
  const [left, setLeft] = useState<string>("");
  const [right, setRight] = useState<string>(WORKING_COPY);
  useEffect(() => {
    if (left === "" && versions.length > 0) setLeft(String(versions[0]!.number));
  }, [left, versions]);

  const parseSide = (v: string): DiffSide => (v === WORKING_COPY ? WORKING_COPY : Number(v));
  if (props.versions === null) return <p className="rb-muted">Loading versions…</p>;
  return (
    <div className="rb-stack">
      <form
        className="rb-row"
        aria-label="Compare versions"
        onSubmit={(e) => {
          e.preventDefault();
          if (left !== "" && left !== right) props.onDiff(parseSide(left), parseSide(right));
        }}
      >
        <SideSelect label="Compare" ariaLabel="Compare from" value={left} onChange={setLeft} versions={versions} />
        <SideSelect label="with" ariaLabel="Compare to" value={right} onChange={setRight} versions={versions} />
        <button type="submit" className="rb-btn rb-btn-sm" disabled={left === "" || left === right}>
          Show diff
        </button>
      </form>
      <ol className="rb-list" aria-label="Versions">
        {versions.map((v) => (
          <li key={v.number} className="rb-case" style={{ padding: "6px 8px" }} aria-label={`Version ${v.number}`}>
            <div className="rb-row" style={{ justifyContent: "space-between" }}>
              <div className="rb-row" style={{ gap: 6, minWidth: 0 }}>
                <strong>v{v.number}</strong>
                {v.number === props.currentNumber && <span className="rb-badge rb-badge-lang">latest</span>}
                {v.number === props.liveNumber && <span className="rb-badge rb-badge-live">live</span>}
                <span className="rb-badge">{v.language === "typescript" ? "TS" : "JS"}</span>
                <code className="rb-muted" title={`sha256 ${v.sha256}`}>
                  {v.sha256.slice(0, 8)}
                </code>
              </div>
              <span className="rb-muted" style={{ fontSize: 12 }}>
                <TimeAgo iso={v.createdAt} />
              </span>
            </div>
            <div style={{ margin: "2px 0 6px", wordBreak: "break-word" }}>
              {v.message || <span className="rb-muted">(no message)</span>}
              {v.author && <span className="rb-muted" aria-label="Author"> — {v.author}</span>}
            </div>
            <div className="rb-row" style={{ gap: 4 }}>
              <button type="button" className="rb-btn rb-btn-sm" onClick={() => props.onOpen(v.number)} aria-label={`Open version ${v.number}`}>
                Open
              </button>
              <button type="button" className="rb-btn rb-btn-sm" onClick={() => props.onDiff(v.number, WORKING_COPY)} aria-label={`Diff version ${v.number} with working copy`}>
                Diff with working copy
              </button>
              {(props.canRestore ?? true) && v.number !== props.currentNumber && (
                <button type="button" className="rb-btn rb-btn-sm" disabled={props.busy} onClick={() => props.onRestore(v.number)} aria-label={`Restore version ${v.number}`}>
                  Restore
                </button>
              )}
            </div>
          </li>
        ))}
      </ol>
    </div>
  );
}

/** One side of a comparison: any saved version, or the working copy. */
function SideSelect(props: { label: string; ariaLabel: string; value: string; onChange: (value: string) => void; versions: readonly { number: number }[] }) {
  return (
    <label className="rb-row" style={{ gap: 4 }}>
      <span className="rb-muted">{props.label}</span>
      <select className="rb-select" aria-label={props.ariaLabel} value={props.value} onChange={(e) => props.onChange(e.target.value)}>
        {props.versions.map((v) => (
          <option key={v.number} value={v.number}>
            v{v.number}
          </option>
        ))}
        <option value={WORKING_COPY}>Working copy</option>
      </select>
    </label>
  );
}
