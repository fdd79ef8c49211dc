"use client";

// Named sample inputs per rule. Each is JSON edited with validation (invalid JSON cannot be saved or
// run); an optional expected output turns it into a test case with a pass/fail badge.
import type { Outcome } from "@/server/contracts/run";
import { canSaveDraft, isDraftDirty, prettyJson, validateDraft, type CaseDraft, type CaseVerdict } from "./test-case-drafts";
import { OUTCOME_LABELS } from "./result-view";

export type CaseStatus = { state: "running" } | { state: "done"; outcome: Outcome; verdict: CaseVerdict } | { state: "invalid"; field: "input" | "expected output" };

function VerdictBadge({ status }: { status: CaseStatus | undefined }) {
  if (!status) return null;
  if (status.state === "running") return <span className="rb-badge">running…</span>;
  if (status.state === "invalid")
    return (
      <span className="rb-badge rb-badge-fail" data-verdict="invalid">
        not run: {status.field} is not JSON
      </span>
    );
  if (status.verdict === "pass") return <span className="rb-badge rb-badge-pass" data-verdict="pass">pass</span>;
  if (status.verdict === "fail")
    return (
      <span className="rb-badge rb-badge-fail" data-verdict="fail">
        fail{status.outcome !== "ok" ? ` (${OUTCOME_LABELS[status.outcome]})` : ""}
      </span>
    );
  return <span className={`rb-badge rb-badge-${status.outcome}`}>{OUTCOME_LABELS[status.outcome]}</span>;
}

export function TestInputsPanel(props: {
  drafts: CaseDraft[];
  selectedKey: string | null;
  statuses: Record<string, CaseStatus | undefined>;
  busyKeys: Set<string>;
  runningAll: boolean;
  /** A role that cannot edit test cases: inputs are shown, not edited, saved or run. */
  readOnly?: boolean;
  onSelect: (key: string) => void;
  onChange: (key: string, patch: Partial<CaseDraft>) => void;
  onSave: (key: string) => void;
  onDelete: (key: string) => void;
  onAdd: () => void;
  onRunAll: () => void;
  onShowResult: (key: string) => void;
}) {
  const done = props.drafts.map((d) => props.statuses[d.key]).filter((s): s is Extract<CaseStatus, { state: "done" }> => s?.state === "done");
  const withExpectation = done.filter((s) => s.verdict !== "ran");
  const passed = withExpectation.filter((s) => s.verdict === "pass").length;
  // A case Run all could not run (its JSON does not parse) counts against the tally, never silently.
  const notRun = props.drafts.filter((d) => props.statuses[d.key]?.state === "invalid").length;
  const total = withExpectation.length + notRun;
  const readOnly = props.readOnly ?? false;
  return (
    <div className="rb-stack">
      <div className="rb-row">
        {!readOnly && (
          <>
            <button type="button" className="rb-btn rb-btn-sm" onClick={props.onAdd}>
              + New input
            </button>
            <button type="button" className="rb-btn rb-btn-sm" onClick={props.onRunAll} disabled={props.runningAll || props.drafts.length === 0}>
              {props.runningAll ? "Running all…" : "Run all"}
            </button>
          </>
        )}
        <span className="rb-spacer" />
        {total > 0 && !props.runningAll && (
          <span role="status" className={`rb-badge ${passed === total ? "rb-badge-pass" : "rb-badge-fail"}`}>
            {passed}/{total} passed{notRun > 0 ? `, ${notRun} not run` : ""}
          </span>
        )}
      </div>
      {props.drafts.length === 0 && <p className="rb-muted">{readOnly ? "No saved inputs." : "No inputs yet. Add one to run the rule against it."}</p>}
      {props.drafts.map((d) => {
        const v = validateDraft(d);
        const dirty = isDraftDirty(d);
        const selected = d.key === props.selectedKey;
        const inputId = `case-input-${d.key}`;
        const expectedId = `case-expected-${d.key}`;
        return (
          <div key={d.key} className="rb-case" data-selected={selected} role="group" aria-label={`Test input ${d.name || "(unnamed)"}`}>
            <div className="rb-case-head">
              <label>
                <input type="radio" name="selected-input" checked={selected} onChange={() => props.onSelect(d.key)} aria-label={`Use ${d.name || "(unnamed)"} for Run`} />
                <input
                  className="rb-input"
                  style={{ flex: 1, minWidth: 0, height: 26 }}
                  value={d.name}
                  aria-label="Input name"
                  readOnly={readOnly}
                  aria-invalid={v.nameError !== null}
                  onChange={(e) => props.onChange(d.key, { name: e.target.value })}
                  onFocus={() => props.onSelect(d.key)}
                />
              </label>
              {props.statuses[d.key] ? (
                <button type="button" className="rb-btn rb-btn-ghost rb-btn-sm" onClick={() => props.onShowResult(d.key)} aria-label={`Show result for ${d.name}`}>
                  <VerdictBadge status={props.statuses[d.key]} />
                </button>
              ) : null}
              {dirty && <span className="rb-dirty" title="Unsaved input">unsaved</span>}
            </div>
            {selected && (
              <div className="rb-case-body">
                <div className="rb-row" style={{ justifyContent: "space-between" }}>
                  <label className="rb-field" htmlFor={inputId}>
                    <span>Input (JSON)</span>
                  </label>
                  <button
                    type="button"
                    className="rb-btn rb-btn-ghost rb-btn-sm"
                    hidden={readOnly}
                    disabled={!v.input.ok}
                    onClick={() => v.input.ok && props.onChange(d.key, { inputText: prettyJson(v.input.value) })}
                  >
                    Format
                  </button>
                </div>
                <textarea
                  id={inputId}
                  className="rb-textarea"
                  rows={Math.min(14, Math.max(4, d.inputText.split("\n").length + 1))}
                  spellCheck={false}
                  value={d.inputText}
                  readOnly={readOnly}
                  aria-invalid={!v.input.ok}
                  aria-describedby={!v.input.ok ? `${inputId}-err` : undefined}
                  onChange={(e) => props.onChange(d.key, { inputText: e.target.value })}
                />
                {!v.input.ok && (
                  <div id={`${inputId}-err`} className="rb-field-error" role="alert">
                    Invalid JSON: {v.input.message}
                  </div>
                )}
                <label className="rb-row" style={{ gap: 6 }}>
                  <input type="checkbox" checked={d.expectEnabled} disabled={readOnly} onChange={(e) => props.onChange(d.key, { expectEnabled: e.target.checked })} />
                  Expect an output (makes this a test case)
                </label>
                {d.expectEnabled && (
                  <>
                    <label className="rb-field" htmlFor={expectedId}>
                      <span>Expected output (JSON)</span>
                    </label>
                    <textarea
                      id={expectedId}
                      className="rb-textarea"
                      rows={Math.min(10, Math.max(3, d.expectedText.split("\n").length + 1))}
                      spellCheck={false}
                      value={d.expectedText}
                      readOnly={readOnly}
                      aria-invalid={v.expected !== null && !v.expected.ok}
                      onChange={(e) => props.onChange(d.key, { expectedText: e.target.value })}
                    />
                    {v.expected && !v.expected.ok && (
                      <div className="rb-field-error" role="alert">
                        Invalid JSON: {v.expected.message}
                      </div>
                    )}
                  </>
                )}
                <div className="rb-row" hidden={readOnly}>
                  <button
                    type="button"
                    className="rb-btn rb-btn-sm rb-btn-primary"
                    disabled={!dirty || !canSaveDraft(v) || props.busyKeys.has(d.key)}
                    onClick={() => props.onSave(d.key)}
                  >
                    {d.id ? "Save input" : "Save new input"}
                  </button>
                  <button type="button" className="rb-btn rb-btn-sm rb-btn-danger" disabled={props.busyKeys.has(d.key)} onClick={() => props.onDelete(d.key)}>
                    Delete
                  </button>
                </div>
              </div>
            )}
          </div>
        );
      })}
    </div>
  );
}
