"use client";

// One recorded run in full: input, output, logs, traceback; re-run it against the current source,
// or replay it exactly (the code it ran, its input and recorded clock) and see whether it matches.
import { useEffect, useState } from "react";
import { api, type RunDetail, type RunReplay } from "@/components/lib/api-client";
import { Dialog } from "@/components/ui/dialog";
import { ErrorAlert } from "@/components/ui/error-alert";
import { TimeAgo } from "@/components/ui/time-ago";
import { ResultView, formatJson } from "@/components/workspace/result-view";

export function RunDetailDialog(props: {
  runId: string | null;
  /** Whether Re-run, Replay exactly and Add as test input are offered: the author role. */
  canRun?: boolean;
  onClose: () => void;
  onRerun: (input: unknown) => void;
  onUseAsInput: (input: unknown) => void;
  /** A frame or diagnostic of this run was clicked: the workspace shows that line of the code the run used. */
  onJump: (run: RunDetail, line: number, column: number) => void;
}) {
  const [run, setRun] = useState<RunDetail | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [replay, setReplay] = useState<{ runId: string; result: RunReplay } | null>(null);
  const [replayError, setReplayError] = useState<unknown>(null);
  const [replaying, setReplaying] = useState(false);
  useEffect(() => {
    setRun(null);
    setError(null);
    setReplay(null);
    setReplayError(null);
    if (!props.runId) return;
    let cancelled = false;
    api
      .getRun(props.runId)
      .then((data) => !cancelled && setRun(data.run))
      .catch((err: unknown) => !cancelled && setError(err));
    return () => {
      cancelled = true;
    };
  }, [props.runId]);

  const replayExactly = async (runId: string) => {
    setReplaying(true);
    setReplayError(null);
    try {
      const result = await api.replayRun(runId);
      setReplay({ runId, result });
    } catch (err) {
      setReplayError(err);
    } finally {
      setReplaying(false);
    }
  };

  return (
    <Dialog open={props.runId !== null} onClose={props.onClose} title="Run details" wide>
      <div className="rb-dialog-inner">
        <div className="rb-row" style={{ justifyContent: "space-between" }}>
          <h2>Run details</h2>
          <button type="button" className="rb-btn rb-btn-ghost rb-btn-sm" onClick={props.onClose} aria-label="Close run details">
            ✕
          </button>
        </div>
        {error !== null && <ErrorAlert error={error} />}
        {!run && error === null && <p className="rb-muted">Loading…</p>}
        {run && (
          <>
            <div className="rb-row rb-muted" style={{ fontSize: 12.5 }}>
              <span>
                <TimeAgo iso={run.createdAt} />
              </span>
              <span>·</span>
              <span>{run.version === null || run.version === undefined ? "working copy" : `version ${run.version}`}</span>
              <span>·</span>
              <span>{run.trigger === "api" ? "execute API" : "IDE"}</span>
              {run.sourceHash && (
                <>
                  <span>·</span>
                  <code title={`source sha256 ${run.sourceHash}`}>{run.sourceHash.slice(0, 8)}</code>
                </>
              )}
              {typeof run.clock === "number" && (
                <>
                  <span>·</span>
                  <span title="The clock the rule saw (Date.now())">clock {new Date(run.clock).toISOString()}</span>
                </>
              )}
            </div>
            <div className="rb-grid-2">
              <div className="rb-stack">
                <h3 className="rb-section-title">Input</h3>
                <pre className="rb-pre" data-testid="run-detail-input">
                  {formatJson(run.input)}
                </pre>
                <div className="rb-row" hidden={props.canRun === false}>
                  <button type="button" className="rb-btn rb-btn-primary rb-btn-sm" onClick={() => props.onRerun(run.input)}>
                    Re-run with this input
                  </button>
                  <button type="button" className="rb-btn rb-btn-sm" disabled={replaying} onClick={() => void replayExactly(run.id)}>
                    {replaying ? "Replaying…" : "Replay exactly"}
                  </button>
                  <button type="button" className="rb-btn rb-btn-sm" onClick={() => props.onUseAsInput(run.input)}>
                    Add as test input
                  </button>
                </div>
                <p className="rb-hint" style={{ margin: 0 }} hidden={props.canRun === false}>
                  Re-run uses the editor&apos;s current source. Replay exactly runs the code this run used, with its input and recorded clock.
                </p>
                {replayError !== null && <ErrorAlert error={replayError} onDismiss={() => setReplayError(null)} />}
                {replay?.runId === run.id && <ReplayVerdict replay={replay.result} />}
              </div>
              <ResultView
                run={{
                  outcome: run.outcome,
                  output: run.output,
                  logs: run.logs ?? [],
                  error: run.error,
                  diagnostics: run.diagnostics,
                  durationMs: run.durationMs,
                  memoryBytes: run.memoryBytes,
                }}
                onJump={(line, column) => props.onJump(run, line, column)}
              />
            </div>
          </>
        )}
      </div>
    </Dialog>
  );
}

const shown = (value: unknown) => (value === undefined ? "(absent)" : JSON.stringify(value));

/** The exact replay's verdict: identical, or the outcome change / differing paths, and the hint. */
function ReplayVerdict({ replay }: { replay: RunReplay }) {
  const outcomeChanged = replay.run.outcome !== replay.replay.outcome;
  return (
    <div className="rb-stack" style={{ gap: 4 }} role="status" aria-label="Exact replay">
      <strong className={replay.identical ? "rb-badge rb-badge-ok" : "rb-badge rb-badge-warning"} style={{ alignSelf: "flex-start" }}>
        {replay.identical ? "Identical" : outcomeChanged ? `Differs: ${replay.run.outcome} → ${replay.replay.outcome}` : "Differs"}
      </strong>
      {replay.replay.error && !replay.identical && (
        <span>
          Replay: {replay.replay.error.name}: {replay.replay.error.message.slice(0, 200)}
        </span>
      )}
      {replay.differences.length > 0 && (
        <ul className="rb-list" aria-label="Differences" style={{ fontSize: 12 }}>
          {replay.differences.map((d) => (
            <li key={d.path}>
              <code>{d.path}</code>: {shown(d.recorded)} → {shown(d.replayed)}
            </li>
          ))}
        </ul>
      )}
      {replay.hint && (
        <p className="rb-hint" style={{ margin: 0 }}>
          {replay.hint}
        </p>
      )}
      <span className="rb-muted" style={{ fontSize: 12 }}>
        replayed in {replay.replay.durationMs.toFixed(1)} ms
      </span>
    </div>
  );
}
