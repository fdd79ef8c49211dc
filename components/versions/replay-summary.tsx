"use client";

// What a candidate would have answered to recent recorded traffic (POST /api/rules/:id/replay),
// shown before publishing: how many outputs changed, outcome changes, the first changed runs with
// the paths that differ, and both sides' durations.
import { useState } from "react";
import { api, type ReplaySummary } from "@/components/lib/api-client";

export function ReplayPanel(props: { ruleId: string; version: number | null; live: number | null; onError: (error: unknown) => void }) {
  const [summary, setSummary] = useState<{ version: number; result: ReplaySummary } | null>(null);
  const [running, setRunning] = useState(false);
  if (props.live === null || props.version === null) return null;
  const version = props.version;
  const current = summary?.version === version ? summary.result : null;
  const replay = async () => {
    setRunning(true);
    try {
      setSummary({ version, result: await api.replay(props.ruleId, { candidate: { version }, last: 200, changesLimit: 5 }) });
    } catch (err) {
      props.onError(err);
    } finally {
      setRunning(false);
    }
  };
  return (
    <section className="rb-stack" aria-label="Replay of recorded traffic" style={{ gap: 6 }}>
      <div className="rb-row" style={{ gap: 8 }}>
        <button type="button" className="rb-btn rb-btn-sm" disabled={running} onClick={() => void replay()}>
          {running ? "Replaying…" : `Replay recent traffic through v${version}`}
        </button>
        <span className="rb-muted" style={{ fontSize: 12 }}>
          the last 200 recorded /execute inputs, with their recorded clocks, against live v{props.live}
        </span>
      </div>
      {current && <ReplayResult summary={current} version={version} />}
    </section>
  );
}

function ReplayResult({ summary, version }: { summary: ReplaySummary; version: number }) {
  if (summary.inputs === 0) return <p className="rb-muted" role="status">No recorded /execute traffic to replay yet.</p>;
  const outcomeChanges = Object.entries(summary.outcomeChanges);
  return (
    <div className="rb-stack" style={{ gap: 4 }} role="status" aria-label="Replay summary">
      <strong className={summary.changed === 0 ? "rb-badge rb-badge-ok" : "rb-badge rb-badge-warning"} style={{ alignSelf: "flex-start" }}>
        {summary.changed === 0 ? `No change in ${summary.replayed} replayed runs` : `${summary.changed} of ${summary.replayed} outputs would change`}
      </strong>
      {(summary.notRun > 0 || summary.inputsLeftOut > 0) && (
        <span className="rb-muted">
          {summary.notRun > 0 ? `${summary.notRun} inputs not run (executor busy or time limit). ` : ""}
          {summary.inputsLeftOut > 0 ? `${summary.inputsLeftOut} recorded inputs left out (size budget).` : ""}
        </span>
      )}
      {outcomeChanges.length > 0 && <span>Outcome changes: {outcomeChanges.map(([k, n]) => `${k}: ${n}`).join(", ")}</span>}
      <span className="rb-muted" style={{ fontSize: 12 }}>
        p50 {summary.durations.live.p50} ms live → {summary.durations.candidate.p50} ms v{version}; p99 {summary.durations.live.p99} → {summary.durations.candidate.p99} ms
      </span>
      {summary.changes.items.length > 0 && (
        <ul className="rb-list" aria-label="Changed runs" style={{ fontSize: 12 }}>
          {summary.changes.items.map((item) => (
            <li key={item.runId}>
              <code>{JSON.stringify(item.input).slice(0, 80)}</code>:{" "}
              {item.live.outcome !== item.candidate.outcome
                ? `${item.live.outcome} → ${item.candidate.outcome}${item.candidate.error ? ` (${item.candidate.error.name}: ${item.candidate.error.message.slice(0, 80)})` : ""}`
                : item.diff.map((d) => `${d.path}: ${JSON.stringify(d.live)} → ${JSON.stringify(d.candidate)}`).join("; ") || "outputs differ"}
            </li>
          ))}
          {summary.changes.total > summary.changes.items.length && <li className="rb-muted">and {summary.changes.total - summary.changes.items.length} more</li>}
        </ul>
      )}
    </div>
  );
}
