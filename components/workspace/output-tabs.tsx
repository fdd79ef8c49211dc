"use client";

// The tabs under the editor: Result (the last run's output, logs and errors, with a link to the
// recorded run, or how to run when nothing has run yet) and Problems (the editor's diagnostics, each
// a button that reveals its position).
import type { Problem } from "@/components/editor/rule-editor";
import { Tabs } from "@/components/ui/tabs";
import { ResultView } from "./result-view";
import type { LastRun } from "./use-run";

export type BottomTab = "result" | "problems";

export function OutputTabs(props: {
  active: BottomTab;
  onChange: (tab: BottomTab) => void;
  lastRun: LastRun | null;
  running: boolean;
  canEdit: boolean;
  modKey: string;
  problems: Problem[];
  onJump: (line: number, column: number) => void;
  onOpenRun: (runId: string) => void;
  onRevealProblem: (line: number, column: number) => void;
}) {
  const { lastRun, problems, modKey } = props;
  const errorCount = problems.filter((p) => p.severity === "error").length;
  return (
    <Tabs<BottomTab>
      label="Output"
      active={props.active}
      onChange={props.onChange}
      tabs={[
        { key: "result", name: "Result", label: "Result" },
        {
          key: "problems",
          name: "Problems",
          label: (
            <>
              Problems <span className={`rb-count ${errorCount > 0 ? "rb-count-err" : ""}`}>{problems.length}</span>
            </>
          ),
        },
      ]}
    >
      {props.active === "result" ? (
        lastRun ? (
          <div style={{ opacity: props.running ? 0.6 : 1 }}>
            <ResultView run={lastRun.view} caption={lastRun.caption} expectation={lastRun.expectation} onJump={props.onJump} />
            {lastRun.runId && (
              <p className="rb-hint">
                Recorded as run{" "}
                <button type="button" className="rb-btn rb-btn-ghost rb-btn-sm" onClick={() => props.onOpenRun(lastRun.runId!)}>
                  {lastRun.runId.slice(0, 10)}
                </button>
              </p>
            )}
          </div>
        ) : (
          <div className="rb-muted">
            <p style={{ marginTop: 0 }}>
              {!props.canEdit
                ? "Your role reads rules but does not run them: the History tab shows the recorded runs."
                : props.running
                  ? "Running…"
                  : `Run the rule (${modKey}+Enter) to see its output, logs and errors here.`}
            </p>
            <p className="rb-hint">
              Keyboard: Tab indents in the editor; <kbd className="rb-kbd">{modKey === "⌘" ? "Ctrl+Shift+M" : "Ctrl+M"}</kbd> makes Tab move focus out of it instead, to the inputs and panels.
            </p>
          </div>
        )
      ) : problems.length === 0 ? (
        <p className="rb-muted">No problems.</p>
      ) : (
        <ul className="rb-list" aria-label="Problems">
          {problems.map((p, i) => (
            <li key={`${p.source}-${p.code}-${p.line}-${p.column}-${i}`}>
              <button type="button" className="rb-list-btn" onClick={() => props.onRevealProblem(p.line, p.column)}>
                <span className={`rb-sev rb-sev-${p.severity}`}>{p.severity}</span>
                <span style={{ flex: 1 }}>
                  {p.message} <code className="rb-muted">{p.source === "rulebox" ? p.code : `TS${p.code}`}</code>
                </span>
                <span className="rb-pos">
                  {p.line}:{p.column}
                </span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </Tabs>
  );
}
