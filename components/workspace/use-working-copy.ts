"use client";

// The editor's working copy against the saved baseline it started from: the language, the dirty
// flag, the source as typed (kept in a ref, not state, so typing does not re-render the workspace),
// and its copy in the browser (see working-copy-store.ts), written shortly after each change and at
// once when the page is left, offered again when the editor first loads. A save or a restore moves
// the baseline through `markSaved` and `replaceWith`; nothing else writes it.
import { useCallback, useEffect, useRef, useState, type RefObject } from "react";
import type { Language } from "@/server/contracts/run";
import type { RuleEditorHandle } from "@/components/editor/rule-editor";
import { clearWorkingCopy, readWorkingCopy, writeWorkingCopy, type StoredWorkingCopy } from "./working-copy-store";

const WORKING_COPY_WRITE_MS = 300;

/** What the working copy is compared with: the latest saved version (number null: none saved yet). */
export type Baseline = { source: string; language: Language; number: number | null };

export function useWorkingCopy(opts: {
  ruleId: string;
  latestVersion: { number: number; source: string; language: Language } | null;
  editorRef: RefObject<RuleEditorHandle | null>;
  canEdit: boolean;
}) {
  const { ruleId, latestVersion, editorRef } = opts;
  const [language, setLanguage] = useState<Language>(latestVersion?.language ?? "typescript");
  const [baseline, setBaseline] = useState<Baseline>({
    source: latestVersion?.source ?? "",
    language: latestVersion?.language ?? ("typescript" as Language),
    number: latestVersion?.number ?? null,
  });
  const sourceRef = useRef(baseline.source);
  const [sourceDirty, setSourceDirty] = useState(false);
  const [restoredCopy, setRestoredCopy] = useState<StoredWorkingCopy | null>(null);
  const dirty = sourceDirty || language !== baseline.language;

  const baselineRef = useRef(baseline);
  baselineRef.current = baseline;
  const languageRef = useRef(language);
  languageRef.current = language;

  const currentSource = useCallback(() => editorRef.current?.getValue() ?? sourceRef.current, [editorRef]);

  const persistTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const persistWorkingCopy = useCallback(() => {
    clearTimeout(persistTimer.current);
    persistTimer.current = undefined;
    const saved = baselineRef.current;
    const source = sourceRef.current;
    if (source === saved.source && languageRef.current === saved.language) clearWorkingCopy(ruleId);
    else writeWorkingCopy(ruleId, { source, language: languageRef.current, baseVersion: saved.number, savedAt: Date.now() });
  }, [ruleId]);
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
  const canEditRef = useRef(opts.canEdit);
  canEditRef.current = opts.canEdit;
  const onEditorReady = useCallback(() => {
    if (editorReadyOnce.current) return;
    editorReadyOnce.current = true;
    // A read-only editor cannot take back unsaved changes (left here under another account, say).
    if (!canEditRef.current) return;
    const copy = readWorkingCopy(ruleId);
    if (!copy) return;
    const saved = baselineRef.current;
    if (copy.source === saved.source && copy.language === saved.language) {
      clearWorkingCopy(ruleId);
      return;
    }
    setLanguage(copy.language);
    editorRef.current?.setValue(copy.source);
    setRestoredCopy(copy);
  }, [ruleId, editorRef]);

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
    clearWorkingCopy(ruleId);
    setRestoredCopy(null);
  }, [ruleId, editorRef]);
  const dismissRestoredCopy = useCallback(() => setRestoredCopy(null), []);

  /** The saved version `source` in `language` equals, if any: an unchanged working copy is recorded as it. */
  const savedVersionOf = useCallback((source: string, lang: Language): number | undefined => {
    const saved = baselineRef.current;
    return saved.number !== null && source === saved.source && lang === saved.language ? saved.number : undefined;
  }, []);

  /** `saved` was just saved from the editor (which may have changed meanwhile): it is the new baseline. */
  const markSaved = useCallback(
    (saved: Baseline) => {
      setBaseline(saved);
      baselineRef.current = saved;
      setSourceDirty(currentSource() !== saved.source);
      persistWorkingCopy();
      setRestoredCopy(null);
    },
    [currentSource, persistWorkingCopy],
  );

  /** `saved` was just saved from elsewhere (a restored version): the editor takes it over. */
  const replaceWith = useCallback(
    (saved: Baseline) => {
      setLanguage(saved.language);
      setBaseline(saved);
      baselineRef.current = saved;
      editorRef.current?.setValue(saved.source);
      sourceRef.current = saved.source;
      setSourceDirty(false);
      clearWorkingCopy(ruleId);
      setRestoredCopy(null);
    },
    [ruleId, editorRef],
  );

  return {
    language,
    setLanguage,
    baseline,
    dirty,
    restoredCopy,
    currentSource,
    onEditorReady,
    onSourceChange,
    discardRestoredCopy,
    dismissRestoredCopy,
    savedVersionOf,
    markSaved,
    replaceWith,
  };
}
