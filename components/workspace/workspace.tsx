"use client";

// The rule workspace: editor on the left with Result/Problems below it, Test inputs, Versions,
// History, Settings and Call (snippets for other systems) on the right. This component owns the
// working copy's state (dirty flag, saved baseline, selected input, last result) and wires the
// panels to the API. What a role cannot do is not offered (a viewer gets a read-only editor and no
// Run/Save/Publish; only a publisher publishes, rolls back, archives and restores); the server
// refuses it regardless.
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import type { Language, LimitsInput } from "@/server/contracts/run";
import { api, type RunDetail, type RunResponse, type VersionSummary } from "@/components/lib/api-client";
import { RuleEditor, type Problem, type RuleEditorHandle } from "@/components/editor/rule-editor";
import { setRuleInputType, type Monaco } from "@/components/editor/monaco-setup";
import { typeFromJson } from "@/components/editor/json-to-type";
import { setPythonInputSample } from "@/components/editor/python-language";
import { useTheme, ThemeToggle } from "@/components/theme/theme";
import { Tabs } from "@/components/ui/tabs";
import { Dialog } from "@/components/ui/dialog";
import { ErrorAlert } from "@/components/ui/error-alert";
import { useSession } from "@/components/auth/session";
import { UserMenu } from "@/components/auth/user-menu";
import { ResultView, type RunView } from "./result-view";
import { TestInputsPanel, type CaseStatus } from "./test-inputs-panel";
import { SettingsPanel } from "./settings-panel";
import { draftFromStored, isDraftDirty, judgeCase, parseJsonText, prettyJson, validateDraft, type CaseDraft, type StoredCase } from "./test-case-drafts";
import { VersionsPanel, WORKING_COPY, type DiffSide } from "@/components/versions/versions-panel";
import { ReadOnlySource, SourceDiff } from "@/components/versions/source-views";
import { PublishDialog } from "@/components/versions/publish-dialog";
import { DeploymentsList } from "@/components/versions/deployments-list";
import { useDeployments } from "./use-deployments";
import { RunHistoryPanel } from "@/components/runs/run-history-panel";
import { RunDetailDialog } from "@/components/runs/run-detail-dialog";
import { CallRulePanel } from "./call-rule-panel";
import { workspaceFingerprint } from "./fingerprint";
import { clearWorkingCopy, readWorkingCopy, writeWorkingCopy, type StoredWorkingCopy } from "./working-copy-store";

/** The trimmed record the server page hands over. */
export type WorkspaceRule = {
  id: string;
  name: string;
  description: string;
  archived: boolean;
  limits: LimitsInput;
  latestVersion: { number: number; message: string; sha256: string; language: Language; source: string; createdAt: string } | null;
  /** The live version (what /execute runs); null when never published. */
  publishedVersion: number | null;
};

type SideTab = "inputs" | "versions" | "history" | "settings" | "call";
type BottomTab = "result" | "problems";
type Overlay =
  | { kind: "version"; number: number; message: string; source: string; language: Language }
  | { kind: "run-source"; title: string; source: string; language: Language; reveal: { line: number; column: number } }
  | { kind: "diff"; id: number; left: { label: string; source: string; language: Language }; right: { label: string; source: string; language: Language } };
type LastRun = { view: RunView; caption: string; runId?: string; expectation?: { expected: unknown; passed: boolean } };

const RUN_ALL_CONCURRENCY = 2;
const INPUT_TYPE_DEBOUNCE_MS = 300;
const ADHOC_KEY = "adhoc";
const STATUS_VISIBLE_MS = 6000;
const WORKING_COPY_WRITE_MS = 300;

async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

function isMac(): boolean {
  return typeof navigator !== "undefined" && /Mac|iPhone|iPad/.test(navigator.platform);
}

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

export function Workspace({ rule: initialRule, testCases, fingerprint }: { rule: WorkspaceRule; testCases: StoredCase[]; fingerprint: string }) {
  const theme = useTheme();
  const router = useRouter();
  const { user, can } = useSession();
  const canEdit = can("author");
  const canPublish = can("publisher");
  const editorRef = useRef<RuleEditorHandle | null>(null);
  const monacoRef = useRef<Monaco | null>(null);

  const [rule, setRule] = useState(initialRule);
  const [language, setLanguage] = useState<Language>(initialRule.latestVersion?.language ?? "typescript");
  const [baseline, setBaseline] = useState({
    source: initialRule.latestVersion?.source ?? "",
    language: initialRule.latestVersion?.language ?? ("typescript" as Language),
    number: initialRule.latestVersion?.number ?? null,
  });
  const sourceRef = useRef(baseline.source);
  const [sourceDirty, setSourceDirty] = useState(false);
  const dirty = sourceDirty || language !== baseline.language;

  const [versions, setVersions] = useState<VersionSummary[] | null>(null);
  const [problems, setProblems] = useState<Problem[]>([]);
  const [sideTab, setSideTab] = useState<SideTab>("inputs");
  const [bottomTab, setBottomTab] = useState<BottomTab>("result");
  const [overlay, setOverlay] = useState<Overlay | null>(null);
  const [errors, setErrors] = useState<{ id: number; error: unknown }[]>([]);
  const [status, setStatus] = useState<string | null>(null);
  const [saveOpen, setSaveOpen] = useState(false);
  const [saving, setSaving] = useState(false);
  const [running, setRunning] = useState(false);
  const [lastRun, setLastRun] = useState<LastRun | null>(null);
  const [historyToken, setHistoryToken] = useState(0);
  const [openRunId, setOpenRunId] = useState<string | null>(null);
  const [restoring, setRestoring] = useState(false);
  const [unarchiving, setUnarchiving] = useState(false);
  const [restoredCopy, setRestoredCopy] = useState<StoredWorkingCopy | null>(null);

  const [drafts, setDrafts] = useState<CaseDraft[]>(() =>
    testCases.length > 0
      ? testCases.map(draftFromStored)
      : [{ key: ADHOC_KEY, id: null, name: "Sample", inputText: "{}", expectEnabled: false, expectedText: "", stored: null }],
  );
  const [selectedKey, setSelectedKey] = useState<string | null>(() => (testCases[0]?.id ?? ADHOC_KEY));
  const [caseStatuses, setCaseStatuses] = useState<Record<string, CaseStatus | undefined>>({});
  const [caseResults, setCaseResults] = useState<Record<string, LastRun | undefined>>({});
  const [busyKeys, setBusyKeys] = useState<Set<string>>(new Set());
  const [runningAll, setRunningAll] = useState(false);

  const pushError = useCallback((error: unknown) => {
    setErrors((es) => [...es.slice(-3), { id: Date.now() + Math.random(), error }]);
  }, []);

  // ---- publishing -------------------------------------------------------------------------------
  const deployments = useDeployments(initialRule.id, initialRule.publishedVersion, pushError);
  const [publishOpen, setPublishOpen] = useState(false);
  const publishVersion = useCallback(
    async (version: number, message: string) => {
      if (await deployments.publish(version, message)) {
        setPublishOpen(false);
        setStatus(`Published version ${version}: it is live for callers now.`);
      }
    },
    [deployments],
  );
  const rollBack = useCallback(
    async (version: number) => {
      if (!window.confirm(`Roll back: publish v${version} again? Callers get it at once.`)) return;
      if (await deployments.publish(version, `Roll back to v${version}`)) setStatus(`Rolled back: version ${version} is live again.`);
    },
    [deployments],
  );

  // ---- freshness ------------------------------------------------------------------------------
  // Back/Forward show the page as the browser cached it, possibly before a save made here or
  // elsewhere: compare with the server once on mount and reload the page's data when it moved on
  // (the page keys the workspace by the fingerprint, so it remounts with the latest version).
  useEffect(() => {
    let cancelled = false;
    void (async () => {
      try {
        const [{ rule: fresh }, { testCases: cases }] = await Promise.all([api.getRule(initialRule.id), api.listTestCases(initialRule.id)]);
        if (cancelled) return;
        const now = workspaceFingerprint({ latestVersion: fresh.latestVersion?.number ?? null, archived: fresh.archived, testCases: cases.map((c) => ({ id: c.id, updatedAt: c.updatedAt })) });
        if (now !== fingerprint) router.refresh();
      } catch {
        // Offline or gone: the page as shown stays usable; the next request reports the error.
      }
    })();
    return () => {
      cancelled = true;
    };
  }, [initialRule.id, fingerprint, router]);

  // ---- versions -----------------------------------------------------------------------------
  const loadVersions = useCallback(async () => {
    try {
      setVersions((await api.listVersions(rule.id)).versions);
    } catch (err) {
      pushError(err);
    }
  }, [rule.id, pushError]);
  useEffect(() => {
    void loadVersions();
  }, [loadVersions]);

  // ---- input type for IntelliSense -------------------------------------------------------------
  const selectedDraft = drafts.find((d) => d.key === selectedKey) ?? null;
  const selectedInputText = selectedDraft?.inputText ?? "{}";
  // The Call tab's example: the selected input while it parses, else the rule's first saved one.
  const callExample = useMemo(() => {
    const parsed = parseJsonText(selectedInputText);
    if (parsed.ok) return { input: parsed.value, name: selectedDraft?.name ?? "Sample" };
    return { input: testCases[0]?.input ?? {}, name: testCases[0]?.name ?? "Sample" };
  }, [selectedInputText, selectedDraft?.name, testCases]);
  const applyInputType = useCallback((text: string) => {
    const monaco = monacoRef.current;
    if (!monaco) return;
    const parsed = parseJsonText(text);
    if (!parsed.ok) return;
    setRuleInputType(monaco, typeFromJson(parsed.value));
    setPythonInputSample(parsed.value);
  }, []);
  useEffect(() => {
    const timer = setTimeout(() => applyInputType(selectedInputText), INPUT_TYPE_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [selectedInputText, applyInputType]);

  // ---- editor callbacks -------------------------------------------------------------------------
  const baselineRef = useRef(baseline);
  baselineRef.current = baseline;
  // ---- working copy kept in the browser (see working-copy-store.ts) -------------------------------
  const languageRef = useRef(language);
  languageRef.current = language;
  const persistTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const persistWorkingCopy = useCallback(() => {
    clearTimeout(persistTimer.current);
    persistTimer.current = undefined;
    const saved = baselineRef.current;
    const source = sourceRef.current;
    if (source === saved.source && languageRef.current === saved.language) clearWorkingCopy(initialRule.id);
    else writeWorkingCopy(initialRule.id, { source, language: languageRef.current, baseVersion: saved.number, savedAt: Date.now() });
  }, [initialRule.id]);
  const schedulePersist = useCallback(() => {
    clearTimeout(persistTimer.current);
    persistTimer.current = setTimeout(persistWorkingCopy, WORKING_COPY_WRITE_MS);
  }, [persistWorkingCopy]);
  // Leaving the page (a client-side Back included) writes what is pending at once.
  useEffect(
    () => () => {
      if (persistTimer.current !== undefined) persistWorkingCopy();
    },
    [persistWorkingCopy],
  );
  const editorReadyOnce = useRef(false);
  const canEditRef = useRef(canEdit);
  canEditRef.current = canEdit;
  const onEditorReady = useCallback(() => {
    if (editorReadyOnce.current) return;
    editorReadyOnce.current = true;
    // A read-only editor cannot take back unsaved changes (left here under another account, say).
    if (!canEditRef.current) return;
    const copy = readWorkingCopy(initialRule.id);
    if (!copy) return;
    const saved = baselineRef.current;
    if (copy.source === saved.source && copy.language === saved.language) {
      clearWorkingCopy(initialRule.id);
      return;
    }
    setLanguage(copy.language);
    editorRef.current?.setValue(copy.source);
    setRestoredCopy(copy);
  }, [initialRule.id]);

  const onSourceChange = useCallback(
    (source: string) => {
      sourceRef.current = source;
      setSourceDirty(source !== baselineRef.current.source);
      schedulePersist();
    },
    [schedulePersist],
  );

  const languageChanged = useRef(false);
  useEffect(() => {
    // Not on mount: only a language the author picked is a change worth keeping.
    if (!languageChanged.current) {
      languageChanged.current = true;
      return;
    }
    schedulePersist();
  }, [language, schedulePersist]);

  const discardRestoredCopy = useCallback(() => {
    const saved = baselineRef.current;
    setLanguage(saved.language);
    editorRef.current?.setValue(saved.source);
    sourceRef.current = saved.source;
    setSourceDirty(false);
    clearWorkingCopy(initialRule.id);
    setRestoredCopy(null);
  }, [initialRule.id]);

  const onMonaco = useCallback(
    (monaco: Monaco) => {
      monacoRef.current = monaco;
      applyInputType(selectedInputText);
    },
    // Only the first mount matters; later input changes go through the debounced effect.
    [],
  );

  const jumpTo = useCallback((line: number, column: number) => {
    setOverlay(null);
    setOpenRunId(null);
    // The overlay may be covering the editor; reveal once it is gone.
    requestAnimationFrame(() => editorRef.current?.revealPosition(line, column, true));
  }, []);

  // A recorded run's frame: jump in the editor when it holds the code that ran; otherwise show that
  // code read-only at the frame (a line number in other code would point at the wrong line).
  const jumpToRunFrame = useCallback(
    async (run: RunDetail, line: number, column: number) => {
      const current = editorRef.current?.getValue() ?? sourceRef.current;
      if (!run.sourceHash || (await sha256Hex(current)) === run.sourceHash) {
        jumpTo(line, column);
        return;
      }
      try {
        let source = run.source ?? null;
        let codeLanguage: Language = run.language ?? language;
        let title = "The code this run used (unsaved at the time), read-only";
        if (typeof run.version === "number") {
          title = `Version ${run.version}, the code this run used (read-only)`;
          if (source === null) {
            const { version } = await api.getVersion(rule.id, run.version);
            source = version.source;
            codeLanguage = version.language;
          }
        }
        if (source === null) {
          jumpTo(line, column);
          return;
        }
        setOpenRunId(null);
        setOverlay({ kind: "run-source", title, source, language: codeLanguage, reveal: { line, column } });
      } catch (err) {
        pushError(err);
      }
    },
    [jumpTo, language, rule.id, pushError],
  );

  // ---- running ------------------------------------------------------------------------------------
  const runOnce = useCallback(
    async (input: unknown): Promise<RunResponse> => {
      const source = editorRef.current?.getValue() ?? sourceRef.current;
      const saved = baselineRef.current;
      // An unchanged working copy is recorded as the saved version it equals.
      const version = saved.number !== null && source === saved.source && language === saved.language ? saved.number : undefined;
      return api.run({ source, language, input, ruleId: rule.id, limits: rule.limits, ...(version === undefined ? {} : { version }) });
    },
    [language, rule.id, rule.limits],
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
          setSideTab("inputs");
          setStatus("Select or add a test input to run against.");
          return;
        }
        const parsed = parseJsonText(draft.inputText);
        if (!parsed.ok) {
          setSideTab("inputs");
          setStatus(`“${draft.name}” is not valid JSON: ${parsed.message}`);
          return;
        }
        input = parsed.value;
        caption = `input “${draft.name}”`;
      }
      setRunning(true);
      setBottomTab("result");
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
    [drafts, selectedKey, runOnce, pushError],
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

  // ---- saving -------------------------------------------------------------------------------------
  const saveVersion = useCallback(
    async (message: string) => {
      const source = editorRef.current?.getValue() ?? sourceRef.current;
      setSaving(true);
      try {
        const { version } = await api.saveVersion(rule.id, { source, language, message, limits: rule.limits });
        setBaseline({ source, language, number: version.number });
        baselineRef.current = { source, language, number: version.number };
        setSourceDirty((editorRef.current?.getValue() ?? sourceRef.current) !== source);
        persistWorkingCopy();
        setRestoredCopy(null);
        setSaveOpen(false);
        setStatus(`Saved version ${version.number}.`);
        await loadVersions();
      } catch (err) {
        pushError(err);
      } finally {
        setSaving(false);
      }
    },
    [rule.id, rule.limits, language, loadVersions, pushError, persistWorkingCopy],
  );

  const restoreVersion = useCallback(
    async (n: number) => {
      if (dirty && !window.confirm("Restoring replaces the editor's unsaved changes (they stay in undo history). Continue?")) return;
      setRestoring(true);
      try {
        const { version: old } = await api.getVersion(rule.id, n);
        const { version } = await api.saveVersion(rule.id, {
          source: old.source,
          language: old.language,
          message: `Restore version ${n}`,
          limits: rule.limits,
        });
        setOverlay(null);
        setLanguage(old.language);
        setBaseline({ source: old.source, language: old.language, number: version.number });
        baselineRef.current = { source: old.source, language: old.language, number: version.number };
        editorRef.current?.setValue(old.source);
        sourceRef.current = old.source;
        setSourceDirty(false);
        clearWorkingCopy(rule.id);
        setRestoredCopy(null);
        setStatus(`Restored version ${n} as version ${version.number}.`);
        await loadVersions();
      } catch (err) {
        pushError(err);
      } finally {
        setRestoring(false);
      }
    },
    [dirty, rule.id, rule.limits, loadVersions, pushError],
  );

  const diffCounter = useRef(0);
  const sourceOf = useCallback(
    async (side: DiffSide): Promise<{ label: string; source: string; language: Language }> => {
      if (side === WORKING_COPY) return { label: "Working copy", source: editorRef.current?.getValue() ?? sourceRef.current, language };
      const { version } = await api.getVersion(rule.id, side);
      return { label: `Version ${version.number}${version.message ? ` — ${version.message}` : ""}`, source: version.source, language: version.language };
    },
    [rule.id, language],
  );

  const openDiff = useCallback(
    async (left: DiffSide, right: DiffSide) => {
      try {
        const [l, r] = await Promise.all([sourceOf(left), sourceOf(right)]);
        diffCounter.current += 1;
        setOverlay({ kind: "diff", id: diffCounter.current, left: l, right: r });
      } catch (err) {
        pushError(err);
      }
    },
    [sourceOf, pushError],
  );

  const openVersion = useCallback(
    async (n: number) => {
      try {
        const { version } = await api.getVersion(rule.id, n);
        setOverlay({ kind: "version", number: version.number, message: version.message, source: version.source, language: version.language });
      } catch (err) {
        pushError(err);
      }
    },
    [rule.id, pushError],
  );

  const unarchive = useCallback(async () => {
    setUnarchiving(true);
    try {
      await api.restoreRule(rule.id);
      setRule((r) => ({ ...r, archived: false }));
      setStatus("Restored the rule: it takes new versions again.");
    } catch (err) {
      pushError(err);
    } finally {
      setUnarchiving(false);
    }
  }, [rule.id, pushError]);

  // ---- test inputs ----------------------------------------------------------------------------------
  const patchDraft = useCallback((key: string, patch: Partial<CaseDraft>) => {
    setDrafts((ds) => ds.map((d) => (d.key === key ? { ...d, ...patch } : d)));
  }, []);

  const addDraft = useCallback(
    (input?: unknown) => {
      const key = `new-${Date.now().toString(36)}`;
      const base = selectedDraft && parseJsonText(selectedDraft.inputText).ok ? selectedDraft.inputText : "{}";
      setDrafts((ds) => [
        ...ds,
        { key, id: null, name: `Input ${ds.length + 1}`, inputText: input === undefined ? base : prettyJson(input), expectEnabled: false, expectedText: "", stored: null },
      ]);
      setSelectedKey(key);
      setSideTab("inputs");
    },
    [selectedDraft],
  );

  const setBusy = (key: string, busy: boolean) =>
    setBusyKeys((s) => {
      const next = new Set(s);
      if (busy) next.add(key);
      else next.delete(key);
      return next;
    });

  const saveDraft = useCallback(
    async (key: string) => {
      const d = drafts.find((x) => x.key === key);
      if (!d) return;
      const v = validateDraft(d);
      if (!v.input.ok || (v.expected && !v.expected.ok) || v.nameError) return;
      setBusy(key, true);
      try {
        const expected = v.expected?.ok ? { expectedOutput: v.expected.value } : {};
        const saved = d.id
          ? (await api.updateTestCase(rule.id, d.id, { name: d.name.trim(), input: v.input.value, ...expected, ...(d.expectEnabled ? {} : { clearExpectedOutput: true }) })).testCase
          : (await api.createTestCase(rule.id, { name: d.name.trim(), input: v.input.value, ...expected })).testCase;
        const next = draftFromStored({ ...saved, hasExpectedOutput: "expectedOutput" in saved });
        // Keep what the author typed (formatting included) and the React key; only the stored snapshot changes.
        setDrafts((ds) => ds.map((x) => (x.key === key ? { ...x, id: saved.id, name: next.name, stored: { name: next.name, inputText: x.inputText, expectEnabled: x.expectEnabled, expectedText: x.expectedText } } : x)));
        setStatus(`Saved input “${saved.name}”.`);
      } catch (err) {
        pushError(err);
      } finally {
        setBusy(key, false);
      }
    },
    [drafts, rule.id, pushError],
  );

  const deleteDraft = useCallback(
    async (key: string) => {
      const d = drafts.find((x) => x.key === key);
      if (!d) return;
      setBusy(key, true);
      try {
        if (d.id) await api.deleteTestCase(rule.id, d.id);
        setDrafts((ds) => ds.filter((x) => x.key !== key));
        setSelectedKey((k) => (k === key ? (drafts.find((x) => x.key !== key)?.key ?? null) : k));
        setStatus(`Deleted input “${d.name}”.`);
      } catch (err) {
        pushError(err);
      } finally {
        setBusy(key, false);
      }
    },
    [drafts, rule.id, pushError],
  );

  // An input never saved counts as unsaved work too, except the placeholder "Sample" a rule without inputs starts with.
  const unsavedInputs = drafts.some((d) => (d.stored !== null ? isDraftDirty(d) : d.key !== ADHOC_KEY));

  // ---- keyboard and leave guard -----------------------------------------------------------------------
  const runRef = useRef(runSelected);
  runRef.current = runSelected;
  // Ctrl+Enter while a run is in flight or a dialog is open does nothing (as the disabled Run button).
  const runBlockedRef = useRef(false);
  const archivedRef = useRef(rule.archived);
  archivedRef.current = rule.archived;
  runBlockedRef.current = !canEdit || running || runningAll || saveOpen || openRunId !== null;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const mod = isMac() ? e.metaKey : e.ctrlKey;
      if (!mod || e.altKey) return;
      if (e.key === "Enter") {
        e.preventDefault();
        e.stopPropagation();
        if (!runBlockedRef.current) void runRef.current();
      } else if (e.key.toLowerCase() === "s" && !e.shiftKey) {
        e.preventDefault();
        e.stopPropagation();
        if (!archivedRef.current && canEditRef.current) setSaveOpen(true);
      }
    };
    // Capture phase: handled before Monaco's own keybindings (Ctrl+Enter would insert a line).
    window.addEventListener("keydown", onKey, true);
    return () => window.removeEventListener("keydown", onKey, true);
  }, []);

  useEffect(() => {
    if (!dirty && !unsavedInputs) return;
    const onBeforeUnload = (e: BeforeUnloadEvent) => {
      e.preventDefault();
      e.returnValue = "";
    };
    window.addEventListener("beforeunload", onBeforeUnload);
    return () => window.removeEventListener("beforeunload", onBeforeUnload);
  }, [dirty, unsavedInputs]);

  useEffect(() => {
    if (!overlay) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape" && !saveOpen && openRunId === null) setOverlay(null);
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [overlay, saveOpen, openRunId]);

  useEffect(() => {
    if (!status) return;
    const timer = setTimeout(() => setStatus(null), STATUS_VISIBLE_MS);
    return () => clearTimeout(timer);
  }, [status]);

  const errorCount = problems.filter((p) => p.severity === "error").length;
  const modKey = useMemo(() => (isMac() ? "⌘" : "Ctrl"), []);

  return (
    <div className="rb-workspace">
      <header className="rb-header">
        <Link
          href="/"
          className="rb-brand"
          onClick={(e) => {
            if ((dirty || unsavedInputs) && !window.confirm("You have unsaved changes. Leave anyway?")) e.preventDefault();
          }}
        >
          Rule<span>box</span>
        </Link>
        <span className="rb-crumb-sep">/</span>
        <div className="rb-ws-title">
          <h1 title={rule.name}>{rule.name}</h1>
          {rule.archived && <span className="rb-badge">archived</span>}
          {dirty ? (
            <span className="rb-dirty" role="status" aria-label="Unsaved changes">
              Unsaved changes
            </span>
          ) : (
            <span className="rb-saved" role="status">
              {baseline.number === null ? "Not saved yet" : `Saved as v${baseline.number}`}
            </span>
          )}
          <LiveBadge live={deployments.published} latest={versions?.[0]?.number ?? baseline.number} />
        </div>
        <div className="rb-spacer" />
        {!canEdit && (
          <span className="rb-readonly-note" role="note" title={`Your role (${user?.role ?? "signed out"}) reads rules; an author edits and runs them`}>
            Read-only
          </span>
        )}
        <label className="rb-row" style={{ gap: 6 }}>
          <span className="visually-hidden">Language</span>
          <select className="rb-select" aria-label="Language" value={language} disabled={!canEdit} onChange={(e) => setLanguage(e.target.value as Language)}>
            <option value="typescript">TypeScript</option>
            <option value="javascript">JavaScript</option>
            <option value="python">Python</option>
          </select>
        </label>
        {canEdit && (
          <>
            <button type="button" className="rb-btn rb-btn-primary" aria-label="Run" aria-keyshortcuts="Control+Enter Meta+Enter" onClick={() => void runSelected()} disabled={running} title={`Run against the selected input (${modKey}+Enter)`}>
              {running ? "Running…" : "Run"} <span className="rb-kbd">{modKey}+↵</span>
            </button>
            <button type="button" className="rb-btn" aria-label="Save" aria-keyshortcuts="Control+S Meta+S" onClick={() => setSaveOpen(true)} disabled={rule.archived} title={rule.archived ? "Archived rules take no new versions: restore the rule first" : `Save a new version (${modKey}+S)`}>
              Save <span className="rb-kbd">{modKey}+S</span>
            </button>
          </>
        )}
        {canPublish && (
          <button
            type="button"
            className="rb-btn"
            aria-label="Publish"
            onClick={() => setPublishOpen(true)}
            disabled={rule.archived || !versions || versions.length === 0}
            title={rule.archived ? "Archived rules cannot be published: restore the rule first" : "Make a saved version the live one"}
          >
            Publish
          </button>
        )}
        <UserMenu
          beforeLeave={() => !(dirty || unsavedInputs) || window.confirm("You have unsaved changes. Sign out anyway?")}
        />
        <ThemeToggle />
      </header>

      {/* Always present (empty most of the time): the workspace grid has a row for it. */}
      <div className="rb-ws-notices">
        {restoredCopy && (
          <div className="rb-archived-banner" role="status" aria-label="Restored unsaved changes">
            <span>
              Restored your unsaved changes from {new Date(restoredCopy.savedAt).toLocaleString()}
              {restoredCopy.baseVersion !== null && restoredCopy.baseVersion !== baseline.number
                ? ` (started from v${restoredCopy.baseVersion}; the latest is v${baseline.number ?? "—"})`
                : ""}
              .
            </span>
            <button type="button" className="rb-btn rb-btn-sm" onClick={discardRestoredCopy}>
              Discard them
            </button>
            <button type="button" className="rb-btn rb-btn-ghost rb-btn-sm" onClick={() => setRestoredCopy(null)} aria-label="Dismiss">
              ✕
            </button>
          </div>
        )}
        {rule.archived && (
          <div className="rb-archived-banner" role="status">
            <span>This rule is archived: you can still run it here, but it takes no new versions and other systems cannot execute it.</span>
            {canPublish && (
              <button type="button" className="rb-btn rb-btn-sm" disabled={unarchiving} onClick={() => void unarchive()}>
                {unarchiving ? "Restoring…" : "Restore rule"}
              </button>
            )}
          </div>
        )}
      </div>

      <div className="rb-ws-body">
        <div className="rb-ws-main">
          <div className="rb-editor-area">
            <RuleEditor
              ref={editorRef}
              initialSource={baseline.source}
              language={language}
              theme={theme}
              onChange={onSourceChange}
              onProblems={setProblems}
              onMonaco={onMonaco}
              onReady={onEditorReady}
              readOnly={!canEdit}
            />
            {overlay && (
              <div className="rb-overlay" role="region" aria-label={overlay.kind === "diff" ? "Diff" : overlay.kind === "run-source" ? "Code of the run" : `Version ${overlay.number}`}>
                <div className="rb-overlay-bar">
                  {overlay.kind === "version" ? (
                    <>
                      <strong>
                        Version {overlay.number} (read-only)
                      </strong>
                      <span className="rb-muted" style={{ flex: 1, minWidth: 0, overflow: "hidden", textOverflow: "ellipsis", whiteSpace: "nowrap" }}>
                        {overlay.message}
                      </span>
                      <button type="button" className="rb-btn rb-btn-sm" onClick={() => void openDiff(overlay.number, WORKING_COPY)}>
                        Diff with working copy
                      </button>
                      {canEdit && overlay.number !== baseline.number && (
                        <button type="button" className="rb-btn rb-btn-sm" disabled={restoring} onClick={() => void restoreVersion(overlay.number)}>
                          Restore as new version
                        </button>
                      )}
                    </>
                  ) : overlay.kind === "run-source" ? (
                    <strong style={{ flex: 1 }}>
                      {overlay.title}, line {overlay.reveal.line}
                    </strong>
                  ) : (
                    <strong style={{ flex: 1 }}>
                      Diff: {overlay.left.label.split(" — ")[0]} ↔ {overlay.right.label.split(" — ")[0]}
                    </strong>
                  )}
                  <button type="button" className="rb-btn rb-btn-sm" onClick={() => setOverlay(null)} aria-label="Close and return to the editor">
                    Close <span className="rb-kbd">Esc</span>
                  </button>
                </div>
                <div className="rb-overlay-body">
                  {overlay.kind === "version" ? (
                    <ReadOnlySource key={`v${overlay.number}`} source={overlay.source} language={overlay.language} theme={theme} label={`Version ${overlay.number}`} />
                  ) : overlay.kind === "run-source" ? (
                    <ReadOnlySource
                      key={`run-${overlay.reveal.line}-${overlay.reveal.column}-${overlay.source.length}`}
                      source={overlay.source}
                      language={overlay.language}
                      theme={theme}
                      label="Code of the run"
                      reveal={overlay.reveal}
                    />
                  ) : (
                    <SourceDiff key={`diff-${overlay.id}`} original={overlay.left} modified={overlay.right} theme={theme} />
                  )}
                </div>
              </div>
            )}
          </div>
          <Tabs<BottomTab>
            label="Output"
            active={bottomTab}
            onChange={setBottomTab}
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
            {bottomTab === "result" ? (
              lastRun ? (
                <div style={{ opacity: running ? 0.6 : 1 }}>
                  <ResultView run={lastRun.view} caption={lastRun.caption} expectation={lastRun.expectation} onJump={jumpTo} />
                  {lastRun.runId && (
                    <p className="rb-hint">
                      Recorded as run{" "}
                      <button type="button" className="rb-btn rb-btn-ghost rb-btn-sm" onClick={() => setOpenRunId(lastRun.runId!)}>
                        {lastRun.runId.slice(0, 10)}
                      </button>
                    </p>
                  )}
                </div>
              ) : (
                <div className="rb-muted">
                  <p style={{ marginTop: 0 }}>
                    {!canEdit
                      ? "Your role reads rules but does not run them: the History tab shows the recorded runs."
                      : running
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
                    <button type="button" className="rb-list-btn" onClick={() => editorRef.current?.revealPosition(p.line, p.column)}>
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
        </div>

        <Tabs<SideTab>
          label="Rule panels"
          active={sideTab}
          onChange={setSideTab}
          tabs={[
            { key: "inputs", name: "Test inputs", label: "Test inputs" },
            { key: "versions", name: "Versions", label: "Versions" },
            { key: "history", name: "History", label: "History" },
            { key: "settings", name: "Settings", label: "Settings" },
            { key: "call", name: "Call", label: "Call" },
          ]}
        >
          {sideTab === "inputs" && (
            <TestInputsPanel
              drafts={drafts}
              selectedKey={selectedKey}
              statuses={caseStatuses}
              busyKeys={busyKeys}
              runningAll={runningAll}
              readOnly={!canEdit}
              onSelect={setSelectedKey}
              onChange={patchDraft}
              onSave={(k) => void saveDraft(k)}
              onDelete={(k) => void deleteDraft(k)}
              onAdd={() => addDraft()}
              onRunAll={() => void runAll()}
              onShowResult={(k) => {
                const r = caseResults[k];
                if (r) {
                  setLastRun(r);
                  setBottomTab("result");
                }
              }}
            />
          )}
          {sideTab === "versions" && (
            <VersionsPanel
              versions={versions}
              currentNumber={versions?.[0]?.number ?? null}
              busy={restoring}
              onOpen={(n) => void openVersion(n)}
              onDiff={(l, r) => void openDiff(l, r)}
              onRestore={(n) => void restoreVersion(n)}
              canRestore={canEdit}
              liveNumber={deployments.published}
            />
          )}
          {sideTab === "versions" && (
            <section aria-label="Deployment timeline" className="rb-stack" style={{ marginTop: 12 }}>
              <h3 style={{ margin: 0, fontSize: 13 }}>Deployments</h3>
              <DeploymentsList deployments={deployments.deployments} live={deployments.published} busy={deployments.publishing} archived={rule.archived} canRollBack={canPublish} onRollBack={(n) => void rollBack(n)} />
            </section>
          )}
          {sideTab === "history" && <RunHistoryPanel ruleId={rule.id} refreshToken={historyToken} onOpen={setOpenRunId} />}
          {sideTab === "call" && (
            <CallRulePanel ruleId={rule.id} input={callExample.input} inputName={callExample.name} publishedVersion={deployments.published} archived={rule.archived} />
          )}
          {/* Kept mounted while hidden, so edits not yet saved survive a look at another tab. */}
          <div hidden={sideTab !== "settings"}>
            <SettingsPanel
              ruleId={rule.id}
              name={rule.name}
              description={rule.description}
              limits={rule.limits}
              readOnly={!canEdit}
              onSaved={(s) => setRule((r) => ({ ...r, ...s }))}
            />
          </div>
        </Tabs>
      </div>

      {canPublish && (
        <PublishDialog
          open={publishOpen}
          ruleId={rule.id}
          versions={versions ?? []}
          live={deployments.published}
          initialVersion={versions?.[0]?.number ?? null}
          publishing={deployments.publishing}
          theme={theme}
          onClose={() => setPublishOpen(false)}
          onPublish={(v, message) => void publishVersion(v, message)}
          onError={pushError}
        />
      )}

      <SaveDialog open={saveOpen} saving={saving} language={language} unchangedFrom={dirty ? null : baseline.number} nextNumber={(versions?.[0]?.number ?? baseline.number ?? 0) + 1} onClose={() => setSaveOpen(false)} onSave={(m) => void saveVersion(m)} />

      <RunDetailDialog
        runId={openRunId}
        canRun={canEdit}
        onClose={() => setOpenRunId(null)}
        onJump={(run, line, column) => void jumpToRunFrame(run, line, column)}
        onRerun={(input) => {
          setOpenRunId(null);
          void runSelected({ input, caption: "input from a recorded run" });
        }}
        onUseAsInput={(input) => {
          setOpenRunId(null);
          addDraft(input);
        }}
      />

      <div className="rb-toasts" aria-live="assertive">
        {status && (
          <div className="rb-alert" role="status" style={{ borderColor: "var(--border)", background: "var(--surface)" }}>
            <div className="rb-alert-body">{status}</div>
            <button type="button" className="rb-btn rb-btn-ghost rb-btn-sm" onClick={() => setStatus(null)} aria-label="Dismiss message">
              ✕
            </button>
          </div>
        )}
        {errors.map((e) => (
          <ErrorAlert key={e.id} error={e.error} onDismiss={() => setErrors((es) => es.filter((x) => x.id !== e.id))} />
        ))}
      </div>
    </div>
  );
}

/** Which version callers get: "live v2", or a warning when nothing is live or the latest saved is not. */
function LiveBadge(props: { live: number | null; latest: number | null }) {
  if (props.latest === null) return null;
  if (props.live === null) {
    return (
      <span className="rb-badge rb-badge-not-live" aria-label="Live version" title="No version is live: /execute answers “not published” until one is published">
        not published
      </span>
    );
  }
  return (
    <span className={`rb-badge ${props.live === props.latest ? "rb-badge-live" : "rb-badge-not-live"}`} aria-label="Live version" title={props.live === props.latest ? "The latest saved version is live" : `Callers get v${props.live}; v${props.latest} is saved but not published`}>
      live v{props.live}
      {props.live !== props.latest ? ` · v${props.latest} not live` : ""}
    </span>
  );
}

function SaveDialog(props: { open: boolean; saving: boolean; language: Language; unchangedFrom: number | null; nextNumber: number; onClose: () => void; onSave: (message: string) => void }) {
  const [message, setMessage] = useState("");
  useEffect(() => {
    if (props.open) setMessage("");
  }, [props.open]);
  return (
    <Dialog open={props.open} onClose={props.onClose} title="Save version">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (message.trim()) props.onSave(message.trim());
        }}
      >
        <h2>Save version {props.nextNumber}</h2>
        <label className="rb-field">
          <span>Message</span>
          <input className="rb-input" autoFocus value={message} onChange={(e) => setMessage(e.target.value)} placeholder="What changed?" maxLength={500} required />
        </label>
        {props.unchangedFrom !== null && (
          <p className="rb-hint" style={{ margin: 0, color: "var(--warn)" }}>
            Nothing changed since v{props.unchangedFrom}; this would save an identical version.
          </p>
        )}
        <p className="rb-hint" style={{ margin: 0 }}>
          Versions are immutable. This one is saved as {props.language === "typescript" ? "TypeScript" : props.language === "python" ? "Python" : "JavaScript"} with the rule&apos;s current limits.
        </p>
        <div className="rb-dialog-actions">
          <button type="button" className="rb-btn" onClick={props.onClose}>
            Cancel
          </button>
          <button type="submit" className="rb-btn rb-btn-primary" disabled={props.saving || message.trim() === ""}>
            {props.saving ? "Saving…" : "Save version"}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
