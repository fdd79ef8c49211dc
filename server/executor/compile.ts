// Turns a rule module (JS or TS) into a script the worker can evaluate in a Compartment, without
// moving any line or column of the user's code: TypeScript is blanked by ts-blank-space, import
// declarations become whitespace (their bindings move to a one-line prelude above line 1), and
// `export default ` becomes an assignment of at most the same length. A frame at (line, column)
// of the compiled script is therefore at (line - PRELUDE_LINES, column) of the user's source.
// Runs in the executor process (plain Node): no "server-only", no "@/" imports.
import { parse } from "@babel/parser";
import { LRUCache } from "lru-cache";
import type { Language, RuleError } from "../contracts/run";
import { PRELOADED_MODULES, isPreloadedModule, type PreloadedModuleName } from "./preload-names";
import { DEFAULT_LOCAL, MODULES_PARAM, RULE_SOURCE_URL, type ImportBinding } from "./protocol";

export { PRELUDE_LINES } from "./protocol";
export type { ImportBinding } from "./protocol";

export type CompileResult =
  | { ok: true; code: string; imports: ImportBinding[] }
  | { ok: false; error: RuleError };

interface Edit {
  start: number;
  end: number;
  text: string;
}

interface BabelLoc {
  line: number;
  column: number;
}
interface BabelNode {
  type: string;
  start: number;
  end: number;
  loc: { start: BabelLoc };
  [key: string]: unknown;
}

class CompileError extends Error {
  constructor(
    readonly errorName: string,
    message: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(message);
  }
}

function fail(name: string, message: string, line: number, column: number): CompileResult {
  return { ok: false, error: { name, message, frames: [{ line, column }] } };
}

/** Replaces every character except line breaks with a space, so nothing after it moves. */
function blank(text: string): string {
  return text.replace(/[^\r\n\u2028\u2029]/g, " ");
}

/** Writes `prefix` at the start of `text` and blanks the rest; null when the first line is too short. */
function overwrite(text: string, prefix: string): string | null {
  const firstBreak = text.search(/[\r\n\u2028\u2029]/);
  const firstLineLength = firstBreak === -1 ? text.length : firstBreak;
  if (firstLineLength < prefix.length) return null;
  return prefix + blank(text.slice(prefix.length));
}

function nodeName(node: BabelNode): string {
  return node.type === "StringLiteral" ? String(node.value) : String(node.name);
}

function position(node: BabelNode): { line: number; column: number } {
  return { line: node.loc.start.line, column: node.loc.start.column + 1 };
}

function checkModule(source: BabelNode): PreloadedModuleName {
  const specifier = String(source.value);
  if (!isPreloadedModule(specifier)) {
    const { line, column } = position(source);
    throw new CompileError(
      "ImportError",
      `Cannot import "${specifier}": a rule can only import ${PRELOADED_MODULES.join(", ")}`,
      line,
      column,
    );
  }
  return specifier;
}

/** Compiles already-erased JavaScript module text. */
function compileModule(js: string): CompileResult {
  let program: { body: BabelNode[] };
  try {
    const file = parse(js, { sourceType: "module", errorRecovery: false }) as unknown as { program: { body: BabelNode[] } };
    program = file.program;
  } catch (error) {
    const loc = (error as { loc?: BabelLoc }).loc;
    const message = error instanceof Error ? error.message.replace(/\s*\(\d+:\d+\)$/, "") : String(error);
    return fail("SyntaxError", message, loc?.line ?? 1, (loc?.column ?? 0) + 1);
  }

  const edits: Edit[] = [];
  const imports: ImportBinding[] = [];
  const epilogue: string[] = [];
  let hasDefault = false;

  try {
    for (const node of program.body) {
      const text = js.slice(node.start, node.end);
      switch (node.type) {
        case "ImportDeclaration": {
          if (node.importKind === "type" || node.phase) break;
          const module = checkModule(node.source as BabelNode);
          for (const specifier of (node.specifiers as BabelNode[]) ?? []) {
            const local = String((specifier.local as BabelNode).name);
            const imported =
              specifier.type === "ImportDefaultSpecifier"
                ? "default"
                : specifier.type === "ImportNamespaceSpecifier"
                  ? "*"
                  : nodeName(specifier.imported as BabelNode);
            imports.push({ module, imported, local, ...position(specifier) });
          }
          edits.push({ start: node.start, end: node.end, text: blank(text) });
          break;
        }
        case "ExportAllDeclaration":
        case "ExportNamedDeclaration": {
          if (node.source) {
            checkModule(node.source as BabelNode);
            const { line, column } = position(node);
            throw new CompileError("SyntaxError", "A rule cannot re-export from another module", line, column);
          }
          const declaration = node.declaration as BabelNode | null;
          if (declaration) {
            // `export const x = …` / `export function f` → the declaration alone.
            edits.push({ start: node.start, end: declaration.start, text: blank(js.slice(node.start, declaration.start)) });
            break;
          }
          for (const specifier of (node.specifiers as BabelNode[]) ?? []) {
            if (nodeName(specifier.exported as BabelNode) === "default") {
              hasDefault = true;
              epilogue.push(`${DEFAULT_LOCAL}=${String((specifier.local as BabelNode).name)};`);
            }
          }
          edits.push({ start: node.start, end: node.end, text: blank(text) });
          break;
        }
        case "ExportDefaultDeclaration": {
          hasDefault = true;
          const declaration = node.declaration as BabelNode;
          // `export default (function …)`: the head ends at the opening parenthesis, which stays.
          const extra = declaration.extra as { parenthesized?: boolean; parenStart?: number } | undefined;
          const declarationStart = extra?.parenthesized && typeof extra.parenStart === "number" ? extra.parenStart : (declaration.start as number);
          const head = js.slice(node.start, declarationStart);
          const id = declaration.id as BabelNode | null | undefined;
          const isDeclaration = declaration.type === "FunctionDeclaration" || declaration.type === "ClassDeclaration";
          if (isDeclaration && id) {
            // Keep a named declaration a declaration (hoisting, its binding in module scope).
            edits.push({ start: node.start, end: declaration.start, text: blank(head) });
            epilogue.push(`${DEFAULT_LOCAL}=${String(id.name)};`);
            break;
          }
          const replaced = overwrite(head, `${DEFAULT_LOCAL}=`);
          if (replaced === null) {
            const { line, column } = position(node);
            throw new CompileError("SyntaxError", "Write `export default` on one line", line, column);
          }
          edits.push({ start: node.start, end: declarationStart, text: replaced });
          break;
        }
        case "TSExportAssignment":
        case "TSImportEqualsDeclaration": {
          const { line, column } = position(node);
          throw new CompileError("SyntaxError", "Use ES `import`/`export` syntax in a rule", line, column);
        }
        default:
          break;
      }
    }
  } catch (error) {
    if (error instanceof CompileError) return fail(error.errorName, error.message, error.line, error.column);
    throw error;
  }

  if (!hasDefault) {
    return fail("SyntaxError", "A rule must `export default` a function", 1, 1);
  }

  let body = "";
  let cursor = 0;
  for (const edit of edits.sort((a, b) => a.start - b.start)) {
    body += js.slice(cursor, edit.start) + edit.text;
    cursor = edit.end;
  }
  body += js.slice(cursor);

  const bindings = imports.map(({ module, imported, local }) => {
    const namespace = `${MODULES_PARAM}[${JSON.stringify(module)}]`;
    return imported === "*" ? `${local}=${namespace}` : `${local}=${namespace}[${JSON.stringify(imported)}]`;
  });
  // The prelude must stay on exactly PRELUDE_LINES lines.
  const prelude =
    `(function (${MODULES_PARAM}) {"use strict";let ${DEFAULT_LOCAL};` +
    (bindings.length > 0 ? `const ${bindings.join(",")};` : "");
  const code = `${prelude}\n${body}\n;${epilogue.join("")}return ${DEFAULT_LOCAL};})\n//# sourceURL=${RULE_SOURCE_URL}\n`;
  return { ok: true, code, imports };
}

interface TsNode {
  kind: number;
  getStart(sourceFile?: TsSourceFile): number;
}
interface TsSourceFile {
  getLineAndCharacterOfPosition(pos: number): { line: number; character: number };
}
interface TsApi {
  SyntaxKind: Record<number, string>;
  ScriptTarget: { ESNext: number };
  ScriptKind: { TS: number };
  createSourceFile(fileName: string, text: string, target: number, setParentNodes: boolean, kind: number): TsSourceFile;
}
type BlankSourceFile = (sourceFile: TsSourceFile, onError?: (node: TsNode) => void) => string;
interface TsBlank {
  ts: TsApi;
  blankSourceFile: BlankSourceFile;
}

let tsBlank: Promise<TsBlank> | undefined;

// TypeScript (~10 MB of JS) is loaded on the first TS rule only, and only in the executor's
// main thread: the rule workers never load it, so it costs their heap nothing.
function loadTsBlank(): Promise<TsBlank> {
  tsBlank ??= Promise.all([import("ts-blank-space"), import("typescript")]).then(([blankModule, tsModule]) => ({
    ts: ((tsModule as { default?: unknown }).default ?? tsModule) as TsApi,
    blankSourceFile: blankModule.blankSourceFile as unknown as BlankSourceFile,
  }));
  return tsBlank;
}

const UNSUPPORTED_TS: Record<string, string> = {
  EnumDeclaration: "`enum` has runtime semantics and cannot be stripped; use a union of string literals or a const object",
  ModuleDeclaration: "`namespace` with values cannot be stripped; use plain objects or ES modules",
  Parameter: "Constructor parameter properties cannot be stripped; declare the fields explicitly",
  ImportEqualsDeclaration: "`import x = require()` is not supported; use ES `import`",
  ExportAssignment: "`export =` is not supported; use `export default`",
  TypeAssertionExpression: "`<T>value` assertions cannot be stripped here; use `value as T`",
};

/** Strips TypeScript types in place; unsupported (non-erasable) syntax is a compile error at its position. */
async function stripTypes(source: string): Promise<{ ok: true; js: string } | { ok: false; result: CompileResult }> {
  const { ts, blankSourceFile } = await loadTsBlank();
  const sourceFile = ts.createSourceFile("rule.ts", source, ts.ScriptTarget.ESNext, false, ts.ScriptKind.TS);
  let firstError: CompileResult | undefined;
  const js = blankSourceFile(sourceFile, (node) => {
    if (firstError) return;
    const { line, character } = sourceFile.getLineAndCharacterOfPosition(node.getStart(sourceFile));
    const kind = ts.SyntaxKind[node.kind] ?? "syntax";
    const message = UNSUPPORTED_TS[kind] ?? `Unsupported TypeScript syntax (${kind}): only erasable type syntax can be used`;
    firstError = fail("SyntaxError", message, line + 1, character + 1);
  });
  return firstError ? { ok: false, result: firstError } : { ok: true, js };
}

/**
 * Compiles a rule to a script whose completion value is `function (modules) → default export`.
 * Never throws for bad user code: syntax errors, non-erasable TypeScript and disallowed imports
 * come back as `{ ok: false, error }` with the line and column in the user's source.
 */
export async function compileRule(source: string, language: Language): Promise<CompileResult> {
  let js = source;
  if (language === "typescript") {
    const stripped = await stripTypes(source);
    if (!stripped.ok) return stripped.result;
    js = stripped.js;
  }
  return compileModule(js);
}

/** Bounded LRU of compile results keyed by language and the exact source text. */
export interface CompileCache {
  /** Synchronous on a hit; a miss compiles (TypeScript support loads lazily, hence the promise). */
  compile(source: string, language: Language): CompileResult | Promise<CompileResult>;
  readonly size: number;
}

export const COMPILE_CACHE_ENTRIES = 512;
/** Bound on the source text the cache holds (the compiled code is about as large again). */
export const COMPILE_CACHE_MAX_CHARS = 16 * 1024 * 1024;

// Keyed by the source text itself rather than a digest: a lookup hashes the string once, which is
// cheaper than sha256 per run, and equality is exact (no collision to reason about). One cache
// holds both languages; the key is prefixed by language. Bounded by entries and by source size.
export function createCompileCache(maxEntries = COMPILE_CACHE_ENTRIES, maxChars = COMPILE_CACHE_MAX_CHARS): CompileCache {
  const entries = new LRUCache<string, CompileResult>({ max: maxEntries, maxSize: maxChars, sizeCalculation: (_value, key) => Math.max(1, key.length) });
  const keyOf = (source: string, language: Language) => (language === "typescript" ? `t${source}` : `j${source}`);
  return {
    get size() {
      return entries.size;
    },
    compile(source, language) {
      const key = keyOf(source, language);
      const hit = entries.get(key);
      if (hit) return hit;
      return compileRule(source, language).then((result) => {
        // A source larger than the whole budget is compiled every time, never cached.
        if (!entries.has(key) && key.length <= maxChars) entries.set(key, result);
        return result;
      });
    },
  };
}
