"use client";

// What covers the editor, read-only: a saved version, a diff of two versions (or of one with the
// working copy), or the code a recorded run used, opened at one of its frames. Also jumping to a
// position in the editor, which closes whatever covers it. Escape closes it (use-keyboard-shortcuts.ts);
// editor-overlay.tsx shows it.
import { useCallback, useRef, useState, type RefObject } from "react";
import type { Language } from "@/server/contracts/run";
import { api, type RunDetail } from "@/components/lib/api-client";
import type { RuleEditorHandle } from "@/components/editor/rule-editor";
import { WORKING_COPY, type DiffSide } from "@/components/versions/versions-panel";

type OverlaySource = { label: string; source: string; language: Language };

export type Overlay =
  | { kind: "version"; number: number; message: string; source: string; language: Language }
  | { kind: "run-source"; title: string; source: string; language: Language; reveal: { line: number; column: number } }
  | { kind: "diff"; id: number; left: OverlaySource; right: OverlaySource };

async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

export function useEditorOverlay(opts: {
  ruleId: string;
  language: Language;
  editorRef: RefObject<RuleEditorHandle | null>;
  currentSource: () => string;
  /** Closes the recorded run's dialog (a jump from it goes to the editor). */
  closeRunDetail: () => void;
  pushError: (error: unknown) => void;
}) {
  const { ruleId, language, editorRef, currentSource, closeRunDetail, pushError } = opts;
  const [overlay, setOverlay] = useState<Overlay | null>(null);
  const closeOverlay = useCallback(() => setOverlay(null), []);

  const jumpTo = useCallback(
    (line: number, column: number) => {
      setOverlay(null);
      closeRunDetail();
      // The overlay may be covering the editor; reveal once it is gone.
      requestAnimationFrame(() => editorRef.current?.revealPosition(line, column, true));
    },
    [closeRunDetail, editorRef],
  );

  // A recorded run's frame: jump in the editor when it holds the code that ran; otherwise show that
  // code read-only at the frame (a line number in other code would point at the wrong line).
  const jumpToRunFrame = useCallback(
    async (run: RunDetail, line: number, column: number) => {
      const current = currentSource();
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
            const { version } = await api.getVersion(ruleId, run.version);
            source = version.source;
            codeLanguage = version.language;
          }
        }
        if (source === null) {
          jumpTo(line, column);
          return;
        }
        closeRunDetail();
        setOverlay({ kind: "run-source", title, source, language: codeLanguage, reveal: { line, column } });
      } catch (err) {
        pushError(err);
      }
    },
    [jumpTo, language, ruleId, currentSource, closeRunDetail, pushError],
  );

  const diffCounter = useRef(0);
  const sourceOf = useCallback(
    async (side: DiffSide): Promise<OverlaySource> => {
      if (side === WORKING_COPY) return { label: "Working copy", source: currentSource(), language };
      const { version } = await api.getVersion(ruleId, side);
      return { label: `Version ${version.number}${version.message ? ` — ${version.message}` : ""}`, source: version.source, language: version.language };
    },
    [ruleId, language, currentSource],
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
        const { version } = await api.getVersion(ruleId, n);
        setOverlay({ kind: "version", number: version.number, message: version.message, source: version.source, language: version.language });
      } catch (err) {
        pushError(err);
      }
    },
    [ruleId, pushError],
  );

  return { overlay, closeOverlay, jumpTo, jumpToRunFrame, openDiff, openVersion };
}
