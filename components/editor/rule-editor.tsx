"use client";

// The rule's source editor: an uncontrolled Monaco editor (the model is the source of truth while
// typing; React only hears about changes), live policy diagnostics from the same analyzer the
// server runs, and an imperative handle for the workspace (jump to a line, replace the text).
import { useEffect, useImperativeHandle, useRef, useState, type Ref } from "react";
import type { Diagnostic, Language } from "@/server/contracts/run";
import { configureMonaco, loadMonaco, monacoThemeName, type Monaco, type MonacoEditor } from "./monaco-setup";

export const DIAGNOSTICS_DEBOUNCE_MS = 150;

type Analyzer = typeof import("@/server/analysis/analyze");
let analyzerPromise: Promise<Analyzer> | null = null;

// The analyzer (with its JS/TS parser) is a separate chunk so it never delays hydration.
function loadAnalyzer(): Promise<Analyzer> {
  analyzerPromise ??= import("@/server/analysis/analyze");
  return analyzerPromise;
}

// Start fetching and evaluating Monaco and the analyzer as soon as this chunk loads, in parallel with hydration.
if (typeof window !== "undefined") {
  void loadMonaco();
  void loadAnalyzer();
}
const RULEBOX_MARKER_OWNER = "rulebox";

export type Problem = {
  source: "rulebox" | "typescript";
  code: string;
  message: string;
  severity: "error" | "warning" | "info";
  line: number;
  column: number;
};

export type RuleEditorHandle = {
  getValue(): string;
  /** Replaces the whole text as one undoable edit. */
  setValue(text: string): void;
  /** Moves the cursor to a 1-based line/column, scrolls it into view and optionally highlights the line. */
  revealPosition(line: number, column: number, highlight?: boolean): void;
  focus(): void;
};

export function modelUri(language: Language): string {
  return language === "typescript" ? "file:///rule.ts" : language === "python" ? "file:///rule.py" : "file:///rule.js";
}

function toMarkerSeverity(monaco: Monaco, d: Diagnostic) {
  return d.severity === "error" ? monaco.MarkerSeverity.Error : monaco.MarkerSeverity.Warning;
}

function fromMarkerSeverity(monaco: Monaco, s: number): Problem["severity"] {
  if (s === monaco.MarkerSeverity.Error) return "error";
  if (s === monaco.MarkerSeverity.Warning) return "warning";
  return "info";
}

type Props = {
  ref?: Ref<RuleEditorHandle>;
  initialSource: string;
  language: Language;
  theme: "light" | "dark";
  onChange?: (source: string) => void;
  onProblems?: (problems: Problem[]) => void;
  onReady?: () => void;
  /** Extra type declarations changes (the derived RuleInput type) are applied by the workspace. */
  onMonaco?: (monaco: Monaco) => void;
  /** A role that cannot edit the rule (viewer) sees the source read-only. */
  readOnly?: boolean;
};

const READ_ONLY_MESSAGE = { value: "Read-only: your role reads rules; an author or publisher edits them." };

export function RuleEditor({ ref, initialSource, language, theme, onChange, onProblems, onReady, onMonaco, readOnly = false }: Props) {
  const containerRef = useRef<HTMLDivElement>(null);
  const editorRef = useRef<MonacoEditor | null>(null);
  const monacoRef = useRef<Monaco | null>(null);
  const decorationsRef = useRef<ReturnType<MonacoEditor["createDecorationsCollection"]> | null>(null);
  const callbacks = useRef({ onChange, onProblems, onReady, onMonaco });
  callbacks.current = { onChange, onProblems, onReady, onMonaco };
  const languageRef = useRef(language);
  const initialSourceRef = useRef(initialSource);
  const readOnlyRef = useRef(readOnly);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [ready, setReady] = useState(false);
  const [analyzerError, setAnalyzerError] = useState<string | null>(null);
  const publishProblemsRef = useRef<() => void>(() => {});
  const analyzeNowRef = useRef<() => void>(() => {});

  useEffect(() => {
    let disposed = false;
    let cleanup: (() => void) | undefined;
    loadMonaco()
      .then(async (monaco) => {
        if (disposed || !containerRef.current) return;
        monacoRef.current = monaco;
        void configureMonaco(monaco);
        callbacks.current.onMonaco?.(monaco);
        const uri = monaco.Uri.parse(modelUri(languageRef.current));
        monaco.editor.getModel(uri)?.dispose();
        const model = monaco.editor.createModel(initialSourceRef.current, languageRef.current, uri);
        const editor = monaco.editor.create(containerRef.current, {
          model,
          theme: monacoThemeName(document.documentElement.dataset.theme === "dark" ? "dark" : "light"),
          automaticLayout: true,
          minimap: { enabled: false },
          // Completions come from the TypeScript service (RuleContext, the libraries, the typed
          // input); words from the file would only crowd them out.
          wordBasedSuggestions: "off",
          fontSize: 13,
          tabSize: 2,
          scrollBeyondLastLine: false,
          renderLineHighlight: "all",
          fixedOverflowWidgets: true,
          ariaLabel: readOnlyRef.current ? "Rule source editor (read-only)" : "Rule source editor",
          readOnly: readOnlyRef.current,
          readOnlyMessage: READ_ONLY_MESSAGE,
        });
        editorRef.current = editor;
        decorationsRef.current = editor.createDecorationsCollection();

        const publishProblems = () => {
          const current = editor.getModel();
          if (!current) return;
          const problems: Problem[] = monaco.editor
            .getModelMarkers({ resource: current.uri })
            // Hints (unused names and the like) are rendered faded in the editor, not listed as problems.
            .filter((m) => m.severity !== monaco.MarkerSeverity.Hint)
            .map((m) => ({
              source: m.owner === RULEBOX_MARKER_OWNER ? ("rulebox" as const) : ("typescript" as const),
              code: typeof m.code === "string" ? m.code : m.code ? m.code.value : "",
              message: m.message,
              severity: fromMarkerSeverity(monaco, m.severity),
              line: m.startLineNumber,
              column: m.startColumn,
            }))
            .sort((a, b) => a.line - b.line || a.column - b.column);
          callbacks.current.onProblems?.(problems);
        };
        publishProblemsRef.current = publishProblems;

        let analyzer: Analyzer | null = null;
        const analyzeNow = () => {
          const current = editor.getModel();
          if (!current || !analyzer) return;
          const diagnostics = analyzer.analyzeSource(current.getValue(), languageRef.current);
          monaco.editor.setModelMarkers(
            current,
            RULEBOX_MARKER_OWNER,
            diagnostics.map((d) => ({
              severity: toMarkerSeverity(monaco, d),
              code: d.code,
              source: "Rulebox policy",
              message: d.message,
              startLineNumber: d.line,
              startColumn: d.column,
              endLineNumber: d.endLine,
              endColumn: Math.max(d.endColumn, d.line === d.endLine ? d.column + 1 : d.endColumn),
            })),
          );
        };
        analyzeNowRef.current = analyzeNow;

        let timer: ReturnType<typeof setTimeout> | undefined;
        const contentSub = editor.onDidChangeModelContent(() => {
          decorationsRef.current?.clear();
          callbacks.current.onChange?.(editor.getValue());
          clearTimeout(timer);
          timer = setTimeout(analyzeNow, DIAGNOSTICS_DEBOUNCE_MS);
        });
        const markerSub = monaco.editor.onDidChangeMarkers((uris) => {
          const current = editor.getModel();
          if (current && uris.some((u) => u.toString() === current.uri.toString())) publishProblems();
        });
        setReady(true);
        loadAnalyzer().then(
          (loaded) => {
            analyzer = loaded;
            if (!disposed) analyzeNow();
          },
          (err: unknown) => {
            if (!disposed) setAnalyzerError(err instanceof Error ? err.message : String(err));
          },
        );
        callbacks.current.onReady?.();
        cleanup = () => {
          clearTimeout(timer);
          contentSub.dispose();
          markerSub.dispose();
          editor.getModel()?.dispose();
          editor.dispose();
        };
      })
      .catch((err: unknown) => {
        if (!disposed) setLoadError(err instanceof Error ? err.message : String(err));
      });
    return () => {
      disposed = true;
      cleanup?.();
      editorRef.current = null;
    };
  }, []);

  // Switching language swaps the model (its URI decides TS vs JS services) but keeps the text and undo-free state.
  useEffect(() => {
    languageRef.current = language;
    const editor = editorRef.current;
    const monaco = monacoRef.current;
    if (!editor || !monaco) return;
    const old = editor.getModel();
    const uri = monaco.Uri.parse(modelUri(language));
    if (old && old.uri.toString() === uri.toString()) return;
    const text = old?.getValue() ?? "";
    monaco.editor.getModel(uri)?.dispose();
    const model = monaco.editor.createModel(text, language, uri);
    editor.setModel(model);
    old?.dispose();
    analyzeNowRef.current();
    publishProblemsRef.current();
  }, [language, ready]);

  useEffect(() => {
    monacoRef.current?.editor.setTheme(monacoThemeName(theme));
  }, [theme, ready]);

  useEffect(() => {
    readOnlyRef.current = readOnly;
    editorRef.current?.updateOptions({ readOnly, ariaLabel: readOnly ? "Rule source editor (read-only)" : "Rule source editor" });
  }, [readOnly, ready]);

  useImperativeHandle(
    ref,
    (): RuleEditorHandle => ({
      getValue: () => editorRef.current?.getValue() ?? initialSourceRef.current,
      setValue: (text) => {
        const editor = editorRef.current;
        const model = editor?.getModel();
        if (!editor || !model) return;
        editor.pushUndoStop();
        editor.executeEdits("rulebox", [{ range: model.getFullModelRange(), text }]);
        editor.pushUndoStop();
      },
      revealPosition: (line, column, highlight = false) => {
        const editor = editorRef.current;
        const monaco = monacoRef.current;
        if (!editor || !monaco) return;
        const position = { lineNumber: line, column: Math.max(1, column) };
        editor.setPosition(position);
        editor.revealPositionInCenter(position);
        if (highlight) {
          decorationsRef.current?.set([
            {
              range: new monaco.Range(line, 1, line, 1),
              options: { isWholeLine: true, className: "rb-highlight-line", linesDecorationsClassName: "rb-highlight-gutter" },
            },
          ]);
        }
        editor.focus();
      },
      focus: () => editorRef.current?.focus(),
    }),
    [],
  );

  return (
    <div className="rb-editor-host">
      <div ref={containerRef} className="rb-editor" data-testid="rule-editor" data-ready={ready ? "true" : "false"} data-readonly={readOnly ? "true" : "false"} />
      {!ready && !loadError && <div className="rb-editor-placeholder">Loading editor…</div>}
      {analyzerError && (
        <div className="rb-editor-notice" role="alert">
          Live policy checks are unavailable ({analyzerError}); the server still checks every run.
        </div>
      )}
      {loadError && (
        <div className="rb-editor-placeholder" role="alert">
          The editor could not load: {loadError}
        </div>
      )}
    </div>
  );
}
