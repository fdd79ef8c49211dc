// What the editor offers while a Python rule is typed: ctx's members, the allowed modules after
// `import` / `from`, a module's members after `from m import` and after `alias.`, and the sample
// input's keys inside `input[` and `input.get(`. Pure functions of the text before the cursor, so
// they are tested without Monaco; python-language.ts adapts them to Monaco's providers.
//
// Everything offered comes from policy.json (modules, their descriptions, blocked members) and
// module-members.json (generated from CPython by scripts/python-module-members.py). Offering is a
// convenience only: the static check and the runtime guard decide what a rule may use.
import { z } from "zod";
import policyJson from "@/server/analysis/python/policy.json";
import membersJson from "@/server/analysis/python/module-members.json";

export type PythonCompletionKind = "module" | "function" | "class" | "constant" | "method" | "property" | "key";

export type PythonCompletion = {
  label: string;
  kind: PythonCompletionKind;
  /** One line beside the label (a member's kind, a key's value type). */
  detail: string;
  documentation?: string;
  /** Text inserted in place of the word being typed; the label when absent. */
  insertText?: string;
  /** What Monaco matches the typed word against; the label when absent. */
  filterText?: string;
};

export type PythonCompletionResult = {
  items: PythonCompletion[];
  /** How many characters before the cursor the inserted text replaces. */
  replaceLength: number;
};

export type PythonHover = { title: string; documentation: string };

const policySchema = z.object({
  allowedModules: z.array(z.object({ name: z.string(), description: z.string() })),
  blockedMembers: z.array(z.object({ object: z.string(), name: z.string() })),
});
const membersSchema = z.object({
  python: z.string(),
  modules: z.record(z.string(), z.array(z.object({ name: z.string(), kind: z.enum(["module", "function", "class", "constant"]), doc: z.string().optional() }))),
});

const POLICY = policySchema.parse(policyJson);
const MEMBERS = membersSchema.parse(membersJson).modules;
const MODULE_DESCRIPTIONS = new Map(POLICY.allowedModules.map((m) => [m.name, m.description]));
const BLOCKED_MEMBERS = new Set(POLICY.blockedMembers.map((m) => `${m.object}.${m.name}`));

type CtxMember = { name: string; kind: "method" | "property"; signature: string; documentation: string };

/** ctx as runner.py builds it (a SimpleNamespace); kept in step with the README's rule format. */
export const CTX_MEMBERS: readonly CtxMember[] = [
  {
    name: "log",
    kind: "method",
    signature: "log(*args, sep=\" \") -> None",
    documentation: "Records a log line with the run, its arguments joined by `sep` as `print` does (`print(...)` is captured too). Logs are bounded by the rule's maxLogBytes.",
  },
  {
    name: "now",
    kind: "property",
    signature: "now: int",
    documentation: "The run's fixed clock in epoch milliseconds. `datetime.now()`, `date.today()` and `time.time()` read the same clock, and it is recorded with the run, so a replay is exact.",
  },
  {
    name: "rule_id",
    kind: "property",
    signature: "rule_id: str | None",
    documentation: "The id of the rule being run; None for an ad-hoc run not tied to a saved rule.",
  },
  {
    name: "version",
    kind: "property",
    signature: "version: int | None",
    documentation: "The saved version being run; None when running unsaved edits.",
  },
];

const IDENT = "[A-Za-z_][A-Za-z0-9_]*";
const DOTTED = `${IDENT}(?:\\.${IDENT})*`;

/** Whether the end of `text` is in code, inside a string literal, or inside a comment. */
export function lexicalStateAtEnd(text: string): "code" | "string" | "comment" {
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === "#") {
      const newline = text.indexOf("\n", i);
      if (newline < 0) return "comment";
      i = newline + 1;
    } else if (c === '"' || c === "'") {
      const triple = text.startsWith(c.repeat(3), i);
      const quote = triple ? c.repeat(3) : c;
      let j = i + quote.length;
      let closed = false;
      while (j < text.length) {
        if (text[j] === "\\") {
          j += 2;
          continue;
        }
        if (!triple && text[j] === "\n") break; // an unterminated one-line string ends at the line (a syntax error anyway)
        if (text.startsWith(quote, j)) {
          closed = true;
          j += quote.length;
          break;
        }
        j += 1;
      }
      if (!closed && j >= text.length) return "string";
      i = j;
    } else {
      i += 1;
    }
  }
  return "code";
}

/** The names `def rule(input, ctx):` gives its two parameters (a rule may call them anything). */
export function ruleParameterNames(source: string): { input: string; ctx: string } {
  const match = new RegExp(`^def\\s+rule\\s*\\(\\s*(${IDENT})\\s*(?::[^,)]*)?,\\s*(${IDENT})`, "m").exec(source);
  return { input: match?.[1] ?? "input", ctx: match?.[2] ?? "ctx" };
}

/**
 * What each imported name refers to: `import x` binds x → x, `import x.y` binds x → x,
 * `import x as y` binds y → x, `from x import y` binds y → x.y when that is a module we know.
 * Only allowed modules are bound: completing a blocked module's members would only invite a diagnostic.
 */
export function importBindings(source: string): Map<string, string> {
  const bindings = new Map<string, string>();
  for (const line of source.split("\n")) {
    const statement = line.replace(/#.*$/, "").trim();
    const plain = /^import\s+(.+)$/.exec(statement);
    if (plain) {
      for (const part of plain[1]!.split(",")) {
        const m = new RegExp(`^\\s*(${DOTTED})(?:\\s+as\\s+(${IDENT}))?\\s*$`).exec(part);
        if (!m || !isAllowedModule(m[1]!)) continue;
        if (m[2]) bindings.set(m[2], m[1]!);
        else bindings.set(m[1]!.split(".")[0]!, m[1]!.split(".")[0]!);
      }
      continue;
    }
    const from = new RegExp(`^from\\s+(${DOTTED})\\s+import\\s+\\(?([^)]*)\\)?$`).exec(statement);
    if (from && isAllowedModule(from[1]!)) {
      for (const part of from[2]!.split(",")) {
        const m = new RegExp(`^\\s*(${IDENT})(?:\\s+as\\s+(${IDENT}))?\\s*$`).exec(part);
        const submodule = m && `${from[1]}.${m[1]}`;
        if (m && submodule && isAllowedModule(submodule)) bindings.set(m[2] ?? m[1]!, submodule);
      }
    }
  }
  return bindings;
}

function isAllowedModule(name: string): boolean {
  return MODULE_DESCRIPTIONS.has(name);
}

/** The public members of an allowed module a rule may use (blocked members and `_` names left out). */
export function moduleMembers(module: string): PythonCompletion[] {
  if (!isAllowedModule(module)) return [];
  return (MEMBERS[module] ?? [])
    .filter((m) => !m.name.startsWith("_") && !BLOCKED_MEMBERS.has(`${module}.${m.name}`))
    .map((m) => ({ label: m.name, kind: m.kind, detail: `${m.kind} in ${module}`, documentation: m.doc }));
}

function moduleNames(typed: string): PythonCompletionResult {
  // `collections.` completes `abc`: Monaco replaces only the word after the last dot.
  const base = typed.slice(0, typed.lastIndexOf(".") + 1);
  const items = POLICY.allowedModules
    .filter((m) => m.name.startsWith(base) && m.name.length > base.length)
    .map((m) => ({ label: m.name.slice(base.length), kind: "module" as const, detail: "allowed module", documentation: m.description }));
  return { items, replaceLength: typed.length - base.length };
}

function ctxMembers(): PythonCompletion[] {
  return CTX_MEMBERS.map((m) => ({ label: m.name, kind: m.kind, detail: m.signature, documentation: m.documentation }));
}

// ---- the sample input -----------------------------------------------------------------------------

function pythonTypeName(value: unknown): string {
  if (value === null) return "None";
  if (Array.isArray(value)) return "list";
  if (typeof value === "string") return "str";
  if (typeof value === "boolean") return "bool";
  if (typeof value === "number") return Number.isInteger(value) ? "int" : "float";
  return "dict";
}

function isDict(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The dicts found at `path` in the sample (a list's elements all count, so `input["items"][0][` sees every item's keys). */
function dictsAt(sample: unknown, path: readonly (string | null)[]): Record<string, unknown>[] {
  let current: unknown[] = [sample];
  for (const step of path) {
    const next: unknown[] = [];
    for (const value of current) {
      if (step === null) {
        if (Array.isArray(value)) next.push(...value);
      } else if (isDict(value) && Object.hasOwn(value, step)) {
        next.push(value[step]);
      }
    }
    current = next;
  }
  return current.filter(isDict);
}

function preview(value: unknown): string {
  const text = JSON.stringify(value) ?? "null";
  return text.length <= 80 ? text : `${text.slice(0, 79)}…`;
}

/** The keys of the sample input at `path` (null steps index a list), with their Python value types. */
export function inputKeys(sample: unknown, path: readonly (string | null)[]): { key: string; type: string; example: string }[] {
  const keys = new Map<string, { key: string; types: Set<string>; example: string }>();
  for (const dict of dictsAt(sample, path)) {
    for (const [key, value] of Object.entries(dict)) {
      const entry = keys.get(key) ?? { key, types: new Set<string>(), example: preview(value) };
      entry.types.add(pythonTypeName(value));
      keys.set(key, entry);
    }
  }
  return [...keys.values()].map((k) => ({ key: k.key, type: [...k.types].join(" | "), example: k.example }));
}

const STRING_STEP = /^\[\s*(?:"([^"\\]*)"|'([^'\\]*)')\s*\]/;
const OTHER_STEP = /^\[[^\[\]"']*\]/;
const GET_STEP = /^\.get\(\s*(?:"([^"\\]*)"|'([^'\\]*)')\s*(?:,[^()]*)?\)/;

/**
 * The steps of a subscript chain such as `["a"][0].get("b")` (null for a non-constant subscript);
 * null when part of it is not a subscript we follow (keys with escapes included: rare, and Python's
 * escapes are not JSON's).
 */
function parseSteps(chain: string): (string | null)[] | null {
  const steps: (string | null)[] = [];
  let rest = chain;
  while (rest.length > 0) {
    const s = STRING_STEP.exec(rest) ?? GET_STEP.exec(rest);
    if (s) {
      steps.push(s[1] ?? s[2] ?? "");
      rest = rest.slice(s[0].length);
      continue;
    }
    const o = OTHER_STEP.exec(rest);
    if (!o) return null;
    steps.push(null);
    rest = rest.slice(o[0].length);
  }
  return steps;
}

function inputKeyCompletions(linePrefix: string, inputName: string, sample: unknown, inCodeAt: (index: number) => boolean): PythonCompletionResult | null {
  // `input` then any chain of constant subscripts / .get("k") calls, then an open `[` or `.get(`, an optional quote and the key typed so far.
  const pattern = new RegExp(`(?<![\\w.])${inputName}((?:\\[[^\\[\\]]*\\]|\\.get\\([^()]*\\))*)(?:\\[|\\.get\\()\\s*(["']?)([^"'\\[\\]()]*)$`);
  const m = pattern.exec(linePrefix);
  if (!m || !inCodeAt(m.index)) return null;
  const steps = parseSteps(m[1]!);
  if (!steps) return null;
  const quote = m[2]!;
  const typed = m[3]!;
  // Without a quote only a bare word may follow (a variable, which keys do not complete).
  if (!quote && !/^\w*$/.test(typed)) return null;
  if (quote && typed.includes("\\")) return null;
  const keys = inputKeys(sample, steps);
  if (keys.length === 0) return null;
  const items = keys.map((k): PythonCompletion => ({
    label: JSON.stringify(k.key),
    kind: "key",
    detail: k.type,
    documentation: `From the selected test input, e.g. ${k.example}`,
    insertText: quote ? k.key : JSON.stringify(k.key),
    filterText: k.key,
  }));
  return { items, replaceLength: typed.length };
}

// ---- entry points ---------------------------------------------------------------------------------

/**
 * Completions at the end of `textBeforeCursor` (the model's text from its start to the cursor), or
 * null where Python rules get none (Monaco then shows nothing: word-based suggestions are off).
 */
export function pythonCompletions(textBeforeCursor: string, sample: unknown, fullSource: string = textBeforeCursor): PythonCompletionResult | null {
  const lineStart = textBeforeCursor.lastIndexOf("\n") + 1;
  const linePrefix = textBeforeCursor.slice(lineStart);
  const state = lexicalStateAtEnd(textBeforeCursor);
  const names = ruleParameterNames(fullSource);

  // Inside the string of `input["…` the state is "string", so keys check where `input` itself stands.
  const inCodeAt = (index: number) => lexicalStateAtEnd(textBeforeCursor.slice(0, lineStart + index)) === "code";
  const keys = state !== "comment" ? inputKeyCompletions(linePrefix, names.input, sample, inCodeAt) : null;
  if (keys) return keys;
  if (state !== "code") return null;

  const imported = new RegExp(`^\\s*import\\s+(?:${DOTTED}(?:\\s+as\\s+${IDENT})?\\s*,\\s*)*(${DOTTED}\\.?|)$`).exec(linePrefix);
  if (imported) return moduleNames(imported[1]!);

  const fromModule = new RegExp(`^\\s*from\\s+(${DOTTED}\\.?|)$`).exec(linePrefix);
  if (fromModule) return moduleNames(fromModule[1]!);

  const fromImport = new RegExp(`^\\s*from\\s+(${DOTTED})\\s+import\\s+\\(?\\s*(?:${IDENT}(?:\\s+as\\s+${IDENT})?\\s*,\\s*)*(${IDENT}|)$`).exec(linePrefix);
  if (fromImport) {
    const items = moduleMembers(fromImport[1]!);
    return items.length > 0 ? { items, replaceLength: fromImport[2]!.length } : null;
  }

  const attribute = new RegExp(`(?<![\\w.])(${DOTTED})\\.(${IDENT}|)$`).exec(linePrefix);
  if (attribute) {
    const [, object, typed] = attribute as unknown as [string, string, string];
    if (object === names.ctx) return { items: ctxMembers(), replaceLength: typed.length };
    const module = resolveModule(object, importBindings(fullSource));
    if (module) {
      const items = moduleMembers(module);
      return items.length > 0 ? { items, replaceLength: typed.length } : null;
    }
  }
  return null;
}

/** The allowed module a dotted name such as `collections.abc` or `cabc` refers to under the imports, if any. */
export function resolveModule(dotted: string, bindings: Map<string, string>): string | null {
  const [head, ...rest] = dotted.split(".");
  const bound = bindings.get(head!);
  if (!bound) return null;
  const module = [bound, ...rest].join(".");
  return isAllowedModule(module) ? module : null;
}

/**
 * Hover text for the name at a 1-based line and column of `source`: ctx's members, an imported
 * module, or a module's member; null when there is nothing to say.
 */
export function pythonHover(source: string, lineNumber: number, column: number): PythonHover | null {
  const lines = source.split("\n");
  const lineText = lines[lineNumber - 1];
  if (lineText === undefined) return null;
  const lineOffset = lines.slice(0, lineNumber - 1).reduce((n, l) => n + l.length + 1, 0);
  const index = column - 1;
  const wordPattern = /[A-Za-z0-9_]/;
  let start = index;
  let end = index;
  while (start > 0 && wordPattern.test(lineText[start - 1]!)) start -= 1;
  while (end < lineText.length && wordPattern.test(lineText[end]!)) end += 1;
  if (start === end) return null;
  if (lexicalStateAtEnd(source.slice(0, lineOffset + start)) !== "code") return null;
  const word = lineText.slice(start, end);
  const before = new RegExp(`(?<![\\w.])(${DOTTED})\\.$`).exec(lineText.slice(0, start));
  const names = ruleParameterNames(source);
  const bindings = importBindings(source);
  if (before) {
    const object = before[1]!;
    if (object === names.ctx) {
      const member = CTX_MEMBERS.find((m) => m.name === word);
      return member ? { title: `ctx.${member.signature}`, documentation: member.documentation } : null;
    }
    const module = resolveModule(object, bindings);
    if (!module) return null;
    const member = moduleMembers(module).find((m) => m.label === word);
    return member ? { title: `${module}.${word} (${member.kind})`, documentation: member.documentation ?? "" } : null;
  }
  const module = bindings.get(word) ?? (/^\s*(?:import|from)\s/.test(lineText) ? word : undefined);
  const description = module && MODULE_DESCRIPTIONS.get(module);
  return description ? { title: `module ${module}`, documentation: description } : null;
}
