// Monaco is loaded from our own origin (public/monaco/vs, copied by scripts/setup-monaco.mjs), never
// from a CDN. This module owns the one-time language configuration: compiler options, which
// TypeScript diagnostics to keep, the declaration files behind IntelliSense, and the Python
// providers (python-language.ts).
import { loader } from "@monaco-editor/react";
import type * as MonacoNs from "monaco-editor";
import { z } from "zod";
import { registerPythonLanguage } from "./python-language";

export type Monaco = typeof MonacoNs;
export type MonacoEditor = MonacoNs.editor.IStandaloneCodeEditor;

loader.config({ paths: { vs: "/monaco/vs" } });

/** The rule API every rule sees; kept in step with the executor's ctx and console capture. */
const RULE_API_DTS = `
/** What the sandbox passes to a rule as its second argument. */
interface RuleContext {
  /** Record a log line; captured with the run (console.log is captured too). */
  log(...args: unknown[]): void;
  /** The run's fixed clock (epoch milliseconds); Date.now() returns the same value during the run. */
  readonly now: number;
  /** The rule's id; absent for ad-hoc runs not tied to a rule. */
  readonly ruleId?: string;
  /** The saved version being run; absent when running unsaved edits. */
  readonly version?: number;
}
/** Captured into the run's logs. */
declare const console: {
  log(...args: unknown[]): void;
  info(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
  debug(...args: unknown[]): void;
};
`;

const RULE_API_PATH = "file:///rulebox/rule-api.d.ts";
const RULE_INPUT_PATH = "file:///rulebox/rule-input.d.ts";

// TypeScript diagnostics that only repeat or contradict the Rulebox analyzer (it owns the import
// policy) or complain about the module shape a rule is required to have.
const IGNORED_TS_CODES = [
  2307, // Cannot find module 'x' (blocked modules get a Rulebox diagnostic instead)
  2792, // Cannot find module 'x'. Did you mean to set 'moduleResolution'?
  7016, // Could not find a declaration file for module 'x'
  1375, // 'await' at top level
  1378, // top-level 'await' requires a target
  80001, // File is a CommonJS module; it may be converted to an ES module
  2580, // Cannot find name 'require'/'process'… install @types/node (the analyzer blocks them, saying why)
  2591, // the same, suggesting tsconfig "types"
];

const ruleLibsSchema = z.object({ files: z.array(z.object({ path: z.string(), content: z.string() })) });

let configured: Promise<void> | null = null;

/** Monaco theme ids matching the page's light and dark palettes (globals.css). */
export function monacoThemeName(theme: "light" | "dark"): string {
  return theme === "dark" ? "rulebox-dark" : "rulebox-light";
}

function defineThemes(monaco: Monaco): void {
  monaco.editor.defineTheme("rulebox-light", {
    base: "vs",
    inherit: true,
    rules: [],
    colors: { "editor.background": "#ffffff", "editorGutter.background": "#ffffff" },
  });
  monaco.editor.defineTheme("rulebox-dark", {
    base: "vs-dark",
    inherit: true,
    rules: [],
    colors: { "editor.background": "#1e2127", "editorGutter.background": "#1e2127", "editorWidget.background": "#262a31" },
  });
}

function typescriptApi(monaco: Monaco): Monaco["typescript"] {
  // Monaco ≥0.55 exposes the TypeScript defaults at top level; older builds under `languages`.
  const legacy = (monaco.languages as unknown as { typescript?: Monaco["typescript"] }).typescript;
  return monaco.typescript && "typescriptDefaults" in monaco.typescript ? monaco.typescript : (legacy as Monaco["typescript"]);
}

/** Configures TypeScript/JavaScript language services once per page; later calls share the promise. */
export function configureMonaco(monaco: Monaco): Promise<void> {
  if (configured) return configured;
  defineThemes(monaco);
  registerPythonLanguage(monaco);
  const ts = typescriptApi(monaco);
  const compilerOptions: MonacoNs.typescript.CompilerOptions = {
    target: ts.ScriptTarget.ES2020,
    lib: ["es2022"],
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.NodeJs,
    allowNonTsExtensions: true,
    allowJs: true,
    esModuleInterop: true,
    allowSyntheticDefaultImports: true,
    strictNullChecks: true,
    noImplicitAny: false,
    skipLibCheck: true,
    noEmit: true,
  };
  for (const defaults of [ts.typescriptDefaults, ts.javascriptDefaults]) {
    defaults.setCompilerOptions(compilerOptions);
    defaults.setDiagnosticsOptions({ noSemanticValidation: false, noSyntaxValidation: false, diagnosticCodesToIgnore: IGNORED_TS_CODES });
    defaults.setEagerModelSync(true);
    defaults.addExtraLib(RULE_API_DTS, RULE_API_PATH);
  }
  configured = fetch("/monaco/rule-libs.json")
    .then((res) => (res.ok ? res.json() : Promise.reject(new Error(`HTTP ${res.status}`))))
    .then((json: unknown) => {
      const libs = ruleLibsSchema.parse(json);
      for (const defaults of [ts.typescriptDefaults, ts.javascriptDefaults]) {
        for (const file of libs.files) defaults.addExtraLib(file.content, file.path);
      }
    })
    .catch((err: unknown) => {
      // IntelliSense for libraries is a convenience; the editor stays fully usable without it.
      console.warn("Rulebox: library type declarations unavailable:", err);
    });
  return configured;
}

/** Declares the global `RuleInput` type from the selected sample input's derived type text. */
export function setRuleInputType(monaco: Monaco, typeText: string): void {
  const ts = typescriptApi(monaco);
  const dts = `/** Derived from the selected test input. */\ntype RuleInput = ${typeText};\n`;
  for (const defaults of [ts.typescriptDefaults, ts.javascriptDefaults]) defaults.addExtraLib(dts, RULE_INPUT_PATH);
}

let monacoPromise: Promise<Monaco> | null = null;

/** Loads Monaco once per page (the loader caches too; this also keeps one promise for early starts). */
export function loadMonaco(): Promise<Monaco> {
  monacoPromise ??= loader.init() as unknown as Promise<Monaco>;
  return monacoPromise;
}
