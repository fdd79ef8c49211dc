"use client";

// One recorded run in full: input, output, logs, traceback; re-run it against the current source.
import { useEffect, useState } from "react";
import { api, type RunDetail } from "@/components/lib/api-client";
import { Dialog } from "@/components/ui/dialog";
import { ErrorAlert } from "@/components/ui/error-alert";
import { TimeAgo } from "@/components/ui/time-ago";
import { ResultView, formatJson } from "@/components/workspace/result-view";

export function RunDetailDialog(props: {
  runId: string | null;
  onClose: () => void;
  onRerun: (input: unknown) => void;
  onUseAsInput: (input: unknown) => void;
  /** A frame or diagnostic of this run was clicked: the workspace shows that line of the code the run used. */
  onJump: (run: RunDetail, line: number, column: number) => void;
}) {
  const [run, setRun] = useState<RunDetail | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    setRun(null);
    setError(null);
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
                <div className="rb-row">
                  <button type="button" className="rb-btn rb-btn-primary rb-btn-sm" onClick={() => props.onRerun(run.input)}>
                    Re-run with this input
                  </button>
                  <button type="button" className="rb-btn rb-btn-sm" onClick={() => props.onUseAsInput(run.input)}>
                    Add as test input
                  </button>
                </div>
                <p className="rb-hint" style={{ margin: 0 }}>
                  Re-run uses the editor&apos;s current source.
                </p>
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
