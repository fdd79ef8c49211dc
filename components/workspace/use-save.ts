"use client";

// Saving the working copy as a new version (through the Save dialog, which this opens and closes)
// and restoring an older version, which saves its code again as the newest version and puts it in
// the editor. Both go through the working copy's baseline (use-working-copy.ts) and reload the
// versions list.
import { useCallback, useState } from "react";
import type { Language, LimitsInput } from "@/server/contracts/run";
import { api } from "@/components/lib/api-client";
import type { Baseline } from "./use-working-copy";

export function useSave(opts: {
  ruleId: string;
  limits: LimitsInput;
  language: Language;
  dirty: boolean;
  currentSource: () => string;
  markSaved: (saved: Baseline) => void;
  replaceWith: (saved: Baseline) => void;
  /** Closes what covers the editor (a restored version shows in it instead). */
  closeOverlay: () => void;
  loadVersions: () => Promise<void>;
  setStatus: (status: string) => void;
  pushError: (error: unknown) => void;
}) {
  const { ruleId, limits, language, dirty, currentSource, markSaved, replaceWith, closeOverlay, loadVersions, setStatus, pushError } = opts;
  const [saveOpen, setSaveOpen] = useState(false);
  const [saving, setSaving] = useState(false);
  const [restoring, setRestoring] = useState(false);
  const openSaveDialog = useCallback(() => setSaveOpen(true), []);
  const closeSaveDialog = useCallback(() => setSaveOpen(false), []);

  const saveVersion = useCallback(
    async (message: string) => {
      const source = currentSource();
      setSaving(true);
      try {
        const { version } = await api.saveVersion(ruleId, { source, language, message, limits });
        markSaved({ source, language, number: version.number });
        setSaveOpen(false);
        setStatus(`Saved version ${version.number}.`);
        await loadVersions();
      } catch (err) {
        pushError(err);
      } finally {
        setSaving(false);
      }
    },
    [ruleId, limits, language, currentSource, markSaved, loadVersions, setStatus, pushError],
  );

  const restoreVersion = useCallback(
    async (n: number) => {
      if (dirty && !window.confirm("Restoring replaces the editor's unsaved changes (they stay in undo history). Continue?")) return;
      setRestoring(true);
      try {
        const { version: old } = await api.getVersion(ruleId, n);
        const { version } = await api.saveVersion(ruleId, {
          source: old.source,
          language: old.language,
          message: `Restore version ${n}`,
          limits,
        });
        closeOverlay();
        replaceWith({ source: old.source, language: old.language, number: version.number });
        setStatus(`Restored version ${n} as version ${version.number}.`);
        await loadVersions();
      } catch (err) {
        pushError(err);
      } finally {
        setRestoring(false);
      }
    },
    [dirty, ruleId, limits, replaceWith, closeOverlay, loadVersions, setStatus, pushError],
  );

  return { saveOpen, openSaveDialog, closeSaveDialog, saving, saveVersion, restoring, restoreVersion };
}
