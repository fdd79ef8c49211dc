"use client";

// Running the working copy: against the selected test input or an input given explicitly (a
// recorded run's, for a re-run), or against every input at once, a few at a time. Owns what the
// runs answered: the result shown under the editor, each input's status and last result (the pass/fail
// badges), and a token the History tab watches to reload. The editor's content runs, recorded as the
// saved version when it equals it.
import { useCallback, useState } from "react";
import type { Language, LimitsInput } from "@/server/contracts/run";
import { api, type RunResponse } from "@/components/lib/api-client";
import type { RunView } from "./result-view";
import type { CaseStatus } from "./test-inputs-panel";
import { judgeCase, parseJsonText, validateDraft, type CaseDraft } from "./test-case-drafts";

const RUN_ALL_CONCURRENCY = 2;

export type LastRun = { view: RunView; caption: string; runId?: string; expectation?: { expected: unknown; passed: boolean } };

function expectationOf(expected: ReturnType<typeof validateDraft>["expected"], verdict: string): LastRun["expectation"] {
  return expected?.ok ? { expected: expected.value, passed: verdict === "pass" } : undefined;
}

function toRunView(r: RunResponse): RunView {
  return {
    outcome: r.outcome,
    output: r.output,
    logs: r.logs,
    logsTruncated: r.logsTruncated,
    error: r.error,
    diagnostics: r.diagnostics,
    durationMs: r.durationMs,
    memoryBytes: r.memoryBytes,
  };
}

export function useRun(opts: {
  ruleId: string;
  limits: LimitsInput;
  language: Language;
  currentSource: () => string;
  savedVersionOf: (source: string, language: Language) => number | undefined;
  drafts: CaseDraft[];
  selectedKey: string | null;
  /** Brings the Test inputs tab to the front (nothing selected, or the selected input is not JSON). */
  showInputs: () => void;
  /** Brings the Result tab under the editor to the front. */
  showResult: () => void;
  setStatus: (status: string | null) => void;
  pushError: (error: unknown) => void;
}) {
  const { ruleId, limits, language, currentSource, savedVersionOf, drafts, selectedKey, showInputs, showResult, setStatus, pushError } = opts;
  const [running, setRunning] = useState(false);
  const [runningAll, setRunningAll] = useState(false);
  const [lastRun, setLastRun] = useState<LastRun | null>(null);
  const [caseStatuses, setCaseStatuses] = useState<Record<string, CaseStatus | undefined>>({});
  const [caseResults, setCaseResults] = useState<Record<string, LastRun | undefined>>({});
  const [historyToken, setHistoryToken] = useState(0);

  const runOnce = useCallback(
    async (input: unknown): Promise<RunResponse> => {
      const source = currentSource();
      const version = savedVersionOf(source, language);
      return api.run({ source, language, input, ruleId, limits, ...(version === undefined ? {} : { version }) });
    },
    [language, ruleId, limits, currentSource, savedVersionOf],
  );

  const runSelected = useCallback(
    async (explicitInput?: { input: unknown; caption: string }) => {
      let input: unknown;
      let caption: string;
      const key = explicitInput ? null : selectedKey;
      if (explicitInput) {
        input = explicitInput.input;
        caption = explicitInput.caption;
      } else {
        const draft = drafts.find((d) => d.key === selectedKey);
        if (!draft) {
          showInputs();
          setStatus("Select or add a test input to run against.");
          return;
        }
        const parsed = parseJsonText(draft.inputText);
        if (!parsed.ok) {
          showInputs();
          setStatus(`“${draft.name}” is not valid JSON: ${parsed.message}`);
          return;
        }
        input = parsed.value;
        caption = `input “${draft.name}”`;
      }
      setRunning(true);
      showResult();
      setStatus(null);
      if (key) setCaseStatuses((s) => ({ ...s, [key]: { state: "running" } }));
      try {
        const result = await runOnce(input);
        let last: LastRun = { view: toRunView(result), caption, runId: result.runId };
        if (key) {
          const draft = drafts.find((d) => d.key === key);
          const expected = draft ? validateDraft(draft).expected : null;
          const verdict = judgeCase(result.outcome, result.output, expected);
          last = { ...last, expectation: expectationOf(expected, verdict) };
          setCaseStatuses((s) => ({ ...s, [key]: { state: "done", outcome: result.outcome, verdict } }));
          setCaseResults((r) => ({ ...r, [key]: last }));
        }
        setLastRun(last);
        setHistoryToken((t) => t + 1);
      } catch (err) {
        if (key) setCaseStatuses((s) => ({ ...s, [key]: undefined }));
        pushError(err);
      } finally {
        setRunning(false);
      }
    },
    [drafts, selectedKey, runOnce, showInputs, showResult, setStatus, pushError],
  );

  const runAll = useCallback(async () => {
    setRunningAll(true);
    const queue = [...drafts];
    const statuses: Record<string, CaseStatus> = {};
    for (const d of drafts) statuses[d.key] = { state: "running" };
    setCaseStatuses((s) => ({ ...s, ...statuses }));
    const worker = async () => {
      for (let d = queue.shift(); d; d = queue.shift()) {
        const v = validateDraft(d);
        if (!v.input.ok || (v.expected !== null && !v.expected.ok)) {
          const key = d.key;
          const field = v.input.ok ? "expected output" : "input";
          setCaseStatuses((s) => ({ ...s, [key]: { state: "invalid", field } }));
          continue;
        }
        try {
          const result = await runOnce(v.input.value);
          const verdict = judgeCase(result.outcome, result.output, v.expected);
          const key = d.key;
          const last: LastRun = { view: toRunView(result), caption: `input “${d.name}”`, runId: result.runId, expectation: expectationOf(v.expected, verdict) };
          setCaseStatuses((s) => ({ ...s, [key]: { state: "done", outcome: result.outcome, verdict } }));
          setCaseResults((r) => ({ ...r, [key]: last }));
          if (key === selectedKey) setLastRun(last);
        } catch (err) {
          const key = d.key;
          setCaseStatuses((s) => ({ ...s, [key]: undefined }));
          pushError(err);
        }
      }
    };
    await Promise.all(Array.from({ length: RUN_ALL_CONCURRENCY }, worker));
    setRunningAll(false);
    setHistoryToken((t) => t + 1);
  }, [drafts, runOnce, selectedKey, pushError]);

  /** Shows an input's last result under the editor, if it has one. */
  const showCaseResult = useCallback(
    (key: string) => {
      const r = caseResults[key];
      if (r) {
        setLastRun(r);
        showResult();
      }
    },
    [caseResults, showResult],
  );

  return { running, runningAll, lastRun, caseStatuses, historyToken, runSelected, runAll, showCaseResult };
}
