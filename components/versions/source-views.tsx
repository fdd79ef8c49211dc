"use client";

// Read-only views over saved versions: one version on its own, or two sources side by side in
// Monaco's diff editor. Models get unique in-memory URIs so they never collide with the rule model.
import { useEffect, useRef, useState } from "react";
import type { Language } from "@/server/contracts/run";
import { configureMonaco, loadMonaco, monacoThemeName } from "@/components/editor/monaco-setup";

let viewCounter = 0;

function uniqueUri(language: Language, label: string): string {
  viewCounter += 1;
  return `inmemory://rulebox/${viewCounter}-${label.replace(/[^a-z0-9]+/gi, "-")}.${language === "typescript" ? "ts" : "js"}`;
}

export function ReadOnlySource({
  source,
  language,
  theme,
  label,
  reveal,
}: {
  source: string;
  language: Language;
  theme: "light" | "dark";
  label: string;
  /** A position to show and highlight (a traceback frame in this code). */
  reveal?: { line: number; column: number };
}) {
  const host = useRef<HTMLDivElement>(null);
  const [ready, setReady] = useState(false);
  useEffect(() => {
    let disposed = false;
    let cleanup: (() => void) | undefined;
    void loadMonaco().then((monaco) => {
      if (disposed || !host.current) return;
      void configureMonaco(monaco);
      const model = monaco.editor.createModel(source, language, monaco.Uri.parse(uniqueUri(language, label)));
      const editor = monaco.editor.create(host.current, {
        model,
        readOnly: true,
        automaticLayout: true,
        minimap: { enabled: false },
        fontSize: 13,
        scrollBeyondLastLine: false,
        theme: monacoThemeName(theme),
        ariaLabel: `${label} (read-only)`,
      });
      if (reveal) {
        const position = { lineNumber: reveal.line, column: Math.max(1, reveal.column) };
        editor.setPosition(position);
        editor.revealPositionInCenter(position);
        editor.createDecorationsCollection([
          {
            range: new monaco.Range(reveal.line, 1, reveal.line, 1),
            options: { isWholeLine: true, className: "rb-highlight-line", linesDecorationsClassName: "rb-highlight-gutter" },
          },
        ]);
      }
      setReady(true);
      cleanup = () => {
        editor.dispose();
        model.dispose();
      };
    });
    return () => {
      disposed = true;
      cleanup?.();
    };
    // The view is recreated by its key when the source changes; theme changes are applied globally.
  }, []);
  return <div ref={host} className="rb-editor" data-testid="readonly-source" data-ready={ready ? "true" : "false"} />;
}

export function SourceDiff(props: {
  original: { source: string; language: Language; label: string };
  modified: { source: string; language: Language; label: string };
  theme: "light" | "dark";
}) {
  const host = useRef<HTMLDivElement>(null);
  const [ready, setReady] = useState(false);
  const [changes, setChanges] = useState<number | null>(null);
  useEffect(() => {
    let disposed = false;
    let cleanup: (() => void) | undefined;
    void loadMonaco().then((monaco) => {
      if (disposed || !host.current) return;
      void configureMonaco(monaco);
      const original = monaco.editor.createModel(props.original.source, props.original.language, monaco.Uri.parse(uniqueUri(props.original.language, props.original.label)));
      const modified = monaco.editor.createModel(props.modified.source, props.modified.language, monaco.Uri.parse(uniqueUri(props.modified.language, props.modified.label)));
      const diff = monaco.editor.createDiffEditor(host.current, {
        readOnly: true,
        originalEditable: false,
        automaticLayout: true,
        minimap: { enabled: false },
        fontSize: 13,
        renderSideBySide: true,
        scrollBeyondLastLine: false,
        theme: monacoThemeName(props.theme),
      });
      diff.setModel({ original, modified });
      const sub = diff.onDidUpdateDiff(() => setChanges(diff.getLineChanges()?.length ?? 0));
      setReady(true);
      cleanup = () => {
        sub.dispose();
        diff.dispose();
        original.dispose();
        modified.dispose();
      };
    });
    return () => {
      disposed = true;
      cleanup?.();
    };
  }, []);
  return (
    <div className="rb-diff">
      <div className="rb-diff-labels">
        <span>{props.original.label}</span>
        <span aria-live="polite">{changes === null ? "Comparing…" : changes === 0 ? "No differences" : `${changes} changed ${changes === 1 ? "region" : "regions"}`}</span>
        <span>{props.modified.label}</span>
      </div>
      <div ref={host} className="rb-editor" data-testid="source-diff" data-ready={ready ? "true" : "false"} />
    </div>
  );
}
