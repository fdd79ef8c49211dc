"use client";

// The rule's named test inputs as the author edits them (drafts, see test-case-drafts.ts): which one
// is selected, adding, changing, saving and deleting them, and whether any holds unsaved work. A rule
// without stored inputs starts with a placeholder "Sample" that is not stored until saved. Their run
// results live in use-run.ts.
import { useCallback, useMemo, useState } from "react";
import { api } from "@/components/lib/api-client";
import { draftFromStored, isDraftDirty, parseJsonText, prettyJson, validateDraft, type CaseDraft, type StoredCase } from "./test-case-drafts";

const ADHOC_KEY = "adhoc";

export function useTestInputs(opts: {
  ruleId: string;
  testCases: StoredCase[];
  /** Brings the Test inputs tab to the front. */
  showInputs: () => void;
  setStatus: (status: string) => void;
  pushError: (error: unknown) => void;
}) {
  const { ruleId, testCases, showInputs, setStatus, pushError } = opts;
  const [drafts, setDrafts] = useState<CaseDraft[]>(() =>
    testCases.length > 0
      ? testCases.map(draftFromStored)
      : [{ key: ADHOC_KEY, id: null, name: "Sample", inputText: "{}", expectEnabled: false, expectedText: "", stored: null }],
  );
  const [selectedKey, setSelectedKey] = useState<string | null>(() => (testCases[0]?.id ?? ADHOC_KEY));
  const [busyKeys, setBusyKeys] = useState<Set<string>>(new Set());

  const selectedDraft = drafts.find((d) => d.key === selectedKey) ?? null;
  const selectedInputText = selectedDraft?.inputText ?? "{}";
  // The Call tab's example: the selected input while it parses, else the rule's first saved one.
  const callExample = useMemo(() => {
    const parsed = parseJsonText(selectedInputText);
    if (parsed.ok) return { input: parsed.value, name: selectedDraft?.name ?? "Sample" };
    return { input: testCases[0]?.input ?? {}, name: testCases[0]?.name ?? "Sample" };
  }, [selectedInputText, selectedDraft?.name, testCases]);

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
      showInputs();
    },
    [selectedDraft, showInputs],
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
          ? (await api.updateTestCase(ruleId, d.id, { name: d.name.trim(), input: v.input.value, ...expected, ...(d.expectEnabled ? {} : { clearExpectedOutput: true }) })).testCase
          : (await api.createTestCase(ruleId, { name: d.name.trim(), input: v.input.value, ...expected })).testCase;
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
    [drafts, ruleId, setStatus, pushError],
  );

  const deleteDraft = useCallback(
    async (key: string) => {
      const d = drafts.find((x) => x.key === key);
      if (!d) return;
      setBusy(key, true);
      try {
        if (d.id) await api.deleteTestCase(ruleId, d.id);
        setDrafts((ds) => ds.filter((x) => x.key !== key));
        setSelectedKey((k) => (k === key ? (drafts.find((x) => x.key !== key)?.key ?? null) : k));
        setStatus(`Deleted input “${d.name}”.`);
      } catch (err) {
        pushError(err);
      } finally {
        setBusy(key, false);
      }
    },
    [drafts, ruleId, setStatus, pushError],
  );

  // An input never saved counts as unsaved work too, except the placeholder "Sample" a rule without inputs starts with.
  const unsavedInputs = drafts.some((d) => (d.stored !== null ? isDraftDirty(d) : d.key !== ADHOC_KEY));

  return { drafts, selectedKey, setSelectedKey, selectedInputText, callExample, busyKeys, patchDraft, addDraft, saveDraft, deleteDraft, unsavedInputs };
}
