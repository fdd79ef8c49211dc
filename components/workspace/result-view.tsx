"use client";

// How one run ended: outcome, output, logs, and for failures the diagnostics, the traceback or the
// limit that was hit. Shared by the Result panel and the run-history detail.
import type { Diagnostic, LogEntry, Outcome, RuleError } from "@/server/contracts/run";
import { formatBytes, formatDuration } from "@/components/lib/format";

export type RunView = {
  outcome: Outcome;
  output?: unknown;
  logs: LogEntry[];
  logsTruncated?: boolean;
  error?: RuleError | null;
  diagnostics?: Diagnostic[] | null;
  durationMs: number;
  memoryBytes?: number | null;
};

export const OUTCOME_LABELS: Record<Outcome, string> = {
  ok: "ok",
  error: "error",
  timeout: "timeout",
  memory: "memory",
  output_limit: "output limit",
  blocked: "blocked",
  crashed: "crashed",
};

export function OutcomeBadge({ outcome }: { outcome: Outcome }) {
  return (
    <span className={`rb-badge rb-badge-${outcome}`} data-outcome={outcome}>
      {OUTCOME_LABELS[outcome]}
    </span>
  );
}

export function formatJson(value: unknown): string {
  if (value === undefined) return "undefined";
  try {
    return JSON.stringify(value, null, 2);
  } catch {
    return String(value);
  }
}

function describeLimit(limit: RuleError["limit"]): string | null {
  if (!limit) return null;
  if (/timeout|ms$/i.test(limit.name)) return `${limit.name} = ${limit.value} ms`;
  if (/memory|mb$/i.test(limit.name)) return `${limit.name} = ${limit.value} MB`;
  if (/bytes$/i.test(limit.name)) return `${limit.name} = ${formatBytes(limit.value)}`;
  return `${limit.name} = ${limit.value}`;
}

const EXPLANATIONS: Partial<Record<Outcome, { title: string; text: string }>> = {
  timeout: {
    title: "Stopped: the rule ran out of time",
    text: "Look for endless loops or promises that never settle, or raise the timeout in Settings. A rule that fills nearly all of its memory can also run out of time: near the limit, garbage collection slows everything down.",
  },
  memory: {
    title: "Stopped: the rule ran out of memory",
    text: "The rule's worker exceeded its memory limit and was replaced. Look for unbounded arrays or strings, or raise the memory limit in Settings.",
  },
  output_limit: {
    title: "Rejected: the output or logs are too large",
    text: "The rule's result (or its captured logs) exceeded the size limit. Return less data, log less, or raise the limit in Settings.",
  },
  crashed: {
    title: "The executor crashed during this run",
    text: "The process or worker running the rule died before answering. It has been restarted; running again is safe. Repeated crashes usually mean the rule exhausts memory in a way the worker limit cannot catch.",
  },
};

export function ResultView(props: {
  run: RunView;
  onJump?: (line: number, column: number) => void;
  /** Shown next to the outcome, e.g. the input's name. */
  caption?: string;
  /** The test case's expectation, when the run was judged against one. */
  expectation?: { expected: unknown; passed: boolean };
}) {
  const { run, onJump } = props;
  const explanation = EXPLANATIONS[run.outcome];
  const limitText = describeLimit(run.error?.limit);
  return (
    <div className="rb-stack" data-testid="run-result">
      <div className="rb-result-head">
        <OutcomeBadge outcome={run.outcome} />
        {props.expectation && (
          <span className={`rb-badge ${props.expectation.passed ? "rb-badge-pass" : "rb-badge-fail"}`}>{props.expectation.passed ? "test passed" : "test failed"}</span>
        )}
        {props.caption && <span className="rb-muted">{props.caption}</span>}
        <span className="rb-spacer" />
        <span className="rb-metrics">
          <span>duration {formatDuration(run.durationMs)}</span>
          {typeof run.memoryBytes === "number" && <span>memory {formatBytes(run.memoryBytes)}</span>}
        </span>
      </div>

      {explanation && (
        <div className={`rb-explain ${run.outcome === "crashed" ? "rb-explain-err" : ""}`} role="note">
          <strong>{explanation.title}</strong>
          {limitText && (
            <div>
              Limit hit: <code>{limitText}</code>
            </div>
          )}
          <div className="rb-muted">{run.error?.message ? run.error.message : null}</div>
          <div>{explanation.text}</div>
        </div>
      )}

      {run.outcome === "blocked" && (
        <div className="rb-stack">
          <div className="rb-explain rb-explain-err" role="note">
            <strong>Blocked by the policy check before running.</strong> Fix these and run again:
          </div>
          <ul className="rb-list" aria-label="Blocking diagnostics">
            {(run.diagnostics ?? []).map((d, i) => (
              <li key={i}>
                <button type="button" className="rb-list-btn" onClick={() => onJump?.(d.line, d.column)}>
                  <span className={`rb-sev rb-sev-${d.severity}`}>{d.severity}</span>
                  <span style={{ flex: 1 }}>
                    {d.message} <code className="rb-muted">{d.code}</code>
                  </span>
                  <span className="rb-pos">
                    {d.line}:{d.column}
                  </span>
                </button>
              </li>
            ))}
          </ul>
        </div>
      )}

      {run.outcome === "error" && run.error && (
        <div className="rb-stack" aria-label="Traceback" role="group">
          <div className="rb-trace-title">
            {run.error.name}: {run.error.message}
          </div>
          {run.error.frames.length === 0 ? (
            <p className="rb-muted" style={{ margin: 0 }}>
              No frames inside the rule's source.
            </p>
          ) : (
            <ol className="rb-list" aria-label="Stack frames">
              {run.error.frames.map((f, i) => (
                <li key={i}>
                  <button
                    type="button"
                    className="rb-list-btn"
                    onClick={() => onJump?.(f.line, f.column)}
                    aria-label={`Go to ${f.functionName || "anonymous"} at line ${f.line}, column ${f.column}`}
                  >
                    <span className="rb-muted">at</span>
                    <code style={{ flex: 1 }}>{f.functionName || "<anonymous>"}</code>
                    <span className="rb-pos">
                      line {f.line}:{f.column}
                    </span>
                  </button>
                </li>
              ))}
            </ol>
          )}
        </div>
      )}

      {run.outcome === "ok" && (
        <div className={props.expectation && !props.expectation.passed ? "rb-grid-2" : "rb-stack"}>
          <div className="rb-stack">
            <h3 className="rb-section-title">Output</h3>
            <pre className="rb-pre" data-testid="run-output">
              {formatJson(run.output)}
            </pre>
          </div>
          {props.expectation && !props.expectation.passed && (
            <div className="rb-stack">
              <h3 className="rb-section-title">Expected output</h3>
              <pre className="rb-pre" data-testid="run-expected">
                {formatJson(props.expectation.expected)}
              </pre>
            </div>
          )}
        </div>
      )}

      <div className="rb-stack">
        <h3 className="rb-section-title">
          Logs {run.logs.length > 0 ? `(${run.logs.length})` : ""}
          {run.logsTruncated ? " — truncated at the log limit" : ""}
        </h3>
        {run.logs.length === 0 ? (
          <p className="rb-muted" style={{ margin: 0 }}>
            Nothing logged.
          </p>
        ) : (
          <ul className="rb-logs" aria-label="Logs">
            {run.logs.map((l, i) => (
              <li key={i} className={l.level === "warn" ? "rb-log-warn" : l.level === "error" ? "rb-log-error" : undefined}>
                <span className="rb-log-level">{l.level}</span>
                {l.message}
              </li>
            ))}
          </ul>
        )}
      </div>
    </div>
  );
}
