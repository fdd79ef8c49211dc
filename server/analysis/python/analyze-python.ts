// The static check for Python rules: policy.json applied to the rule's tokens. Pure (no Node
// imports) so the editor runs it live, as the server does before every run.
// Written by hand as a tokenizer, not a parser, and deliberately so for now: it needs only names,
// attribute names after ".", import statements and except clauses, which tokens give exactly once
// strings and comments are skipped. Syntax errors are left to CPython's own parser in the executor
// (runner.py), which reports them with line and column as the run's error. A grammar-based check
// (@lezer/python, with the same codes) is the next step (docs/security.md). This is one layer, not
// the boundary: runner.py's guards hold without it (RULEBOX_SKIP_STATIC_CHECK=1).
import type { Diagnostic } from "../../contracts/run";
import policyJson from "./policy.json";

interface Check {
  code: string;
  severity: "error" | "warning";
  message: string;
}

interface PythonPolicy {
  maxSourceBytes: number;
  allowedModules: { name: string }[];
  blockedBuiltins: { name: string; message: string }[];
  blockedAttributes: { underscorePrefix: boolean; names: string[]; exceptNames: string[] };
  blockedMembers: { object: string; name: string; message: string }[];
  blockedExceptions: { names: string[] };
  checks: Record<string, Check>;
}

const POLICY = policyJson as unknown as PythonPolicy;
for (const key of ["analyzerFailure", "sourceTooLarge", "importNotAllowed", "relativeImport", "importPrivateName", "blockedBuiltin", "dunderName", "blockedAttribute", "blockedMember", "blockedException", "bareExcept", "missingRuleFunction"]) {
  if (!POLICY.checks[key]) throw new Error(`python policy: check ${key} is missing`);
}
const ALLOWED = new Set(POLICY.allowedModules.map((m) => m.name));
const ALLOWED_TEXT = [...ALLOWED].sort().join(", ");
const BLOCKED_BUILTINS = new Map(POLICY.blockedBuiltins.map((b) => [b.name, b.message]));
const BLOCKED_ATTRIBUTES = new Set(POLICY.blockedAttributes.names);
const UNDERSCORE_EXCEPTIONS = new Set(POLICY.blockedAttributes.exceptNames);
const BLOCKED_MEMBERS = new Map(POLICY.blockedMembers.map((m) => [`${m.object}.${m.name}`, m.message]));
const BLOCKED_EXCEPTIONS = new Set(POLICY.blockedExceptions.names);

/** Most bytes a Python rule may have. */
export const MAX_PYTHON_SOURCE_BYTES = POLICY.maxSourceBytes;

type TokenKind = "name" | "op" | "newline" | "string" | "number";
export interface Token {
  kind: TokenKind;
  text: string;
  line: number;
  column: number;
}

const STRING_PREFIX = /^(?:[rRbBuUfFtT]{0,2})('''|"""|'|")/;

/**
 * Tokens of a Python source: comments and whitespace dropped, each string literal one "string"
 * token. Also the culprit fingerprint of unsaved Python source (executor/culprit.ts).
 */
export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let line = 1;
  let lineStart = 0;
  let depth = 0;
  let i = 0;
  const push = (kind: TokenKind, text: string, at: number) => tokens.push({ kind, text, line, column: at - lineStart + 1 });
  while (i < source.length) {
    const c = source[i]!;
    if (c === "\n") {
      if (depth === 0) push("newline", "\n", i);
      i += 1;
      line += 1;
      lineStart = i;
      continue;
    }
    if (c === "#") {
      while (i < source.length && source[i] !== "\n") i += 1;
      continue;
    }
    if (c === "\\" && source[i + 1] === "\n") {
      i += 2;
      line += 1;
      lineStart = i;
      continue;
    }
    if (/\s/.test(c)) {
      i += 1;
      continue;
    }
    const prefixed = STRING_PREFIX.exec(source.slice(i, i + 5));
    if (prefixed && (/^[rRbBuUfFtT]*$/.test(source.slice(i, i + prefixed[0].length - prefixed[1]!.length)))) {
      const quote = prefixed[1]!;
      const start = i;
      const startLine = line;
      const startColumn = i - lineStart + 1;
      i += prefixed[0].length;
      while (i < source.length) {
        if (source[i] === "\\") {
          if (source[i + 1] === "\n") {
            line += 1;
            lineStart = i + 2;
          }
          i += 2;
          continue;
        }
        if (source.startsWith(quote, i)) {
          i += quote.length;
          break;
        }
        if (source[i] === "\n") {
          if (quote.length === 1) break;
          line += 1;
          lineStart = i + 1;
        }
        i += 1;
      }
      tokens.push({ kind: "string", text: source.slice(start, i), line: startLine, column: startColumn });
      continue;
    }
    if (/[A-Za-z_\u00C0-\uFFFF]/.test(c)) {
      const start = i;
      while (i < source.length && /[A-Za-z0-9_\u00C0-\uFFFF]/.test(source[i]!)) i += 1;
      push("name", source.slice(start, i), start);
      continue;
    }
    if (/[0-9]/.test(c)) {
      const start = i;
      while (i < source.length && /[0-9A-Za-z_.]/.test(source[i]!)) i += 1;
      push("number", source.slice(start, i), start);
      continue;
    }
    if ("([{".includes(c)) depth += 1;
    if (")]}".includes(c)) depth = Math.max(0, depth - 1);
    push("op", c, i);
    i += 1;
  }
  push("newline", "\n", i);
  return tokens;
}

function fill(message: string, name: string): string {
  return message.replaceAll("{name}", name).replaceAll("{allowed}", ALLOWED_TEXT);
}

function diagnostic(check: Check, name: string, token: { line: number; column: number }, length: number): Diagnostic {
  return { code: check.code, severity: check.severity, message: fill(check.message, name), line: token.line, column: token.column, endLine: token.line, endColumn: token.column + Math.max(1, length) };
}

function attributeBlocked(name: string): boolean {
  if (name.startsWith("_")) return !UNDERSCORE_EXCEPTIONS.has(name);
  return BLOCKED_ATTRIBUTES.has(name);
}

function isDunder(name: string): boolean {
  return name.length > 4 && name.startsWith("__") && name.endsWith("__");
}

/** Statements as token runs (split at logical newlines and ";"). */
function statements(tokens: Token[]): Token[][] {
  const result: Token[][] = [];
  let current: Token[] = [];
  for (const token of tokens) {
    if (token.kind === "newline" || (token.kind === "op" && token.text === ";")) {
      if (current.length > 0) result.push(current);
      current = [];
    } else current.push(token);
  }
  return result;
}

function checkImport(statement: Token[], out: Diagnostic[], aliases: Map<string, string>): void {
  const head = statement[0]!;
  if (head.text === "import") {
    // import a.b as c, d
    let i = 1;
    while (i < statement.length) {
      const start = statement[i]!;
      let name = "";
      while (i < statement.length && statement[i]!.text !== "," && statement[i]!.text !== "as") name += statement[i++]!.text;
      let alias = name.split(".")[0]!;
      if (statement[i]?.text === "as") {
        alias = statement[i + 1]?.text ?? alias;
        i += 2;
      }
      if (statement[i]?.text === ",") i += 1;
      if (!name) continue;
      if (!ALLOWED.has(name)) out.push(diagnostic(POLICY.checks.importNotAllowed!, name, start, name.length));
      else aliases.set(alias, statement.some((t) => t.text === "as") ? name : name.split(".")[0]!);
    }
    return;
  }
  // from m import x as y, z
  let i = 1;
  let module = "";
  const start = statement[1] ?? head;
  while (i < statement.length && statement[i]!.text !== "import") module += statement[i++]!.text;
  if (module.startsWith(".")) {
    out.push(diagnostic(POLICY.checks.relativeImport!, module, start, module.length));
    return;
  }
  if (!ALLOWED.has(module)) {
    out.push(diagnostic(POLICY.checks.importNotAllowed!, module, start, module.length));
    return;
  }
  for (const token of statement.slice(i + 1)) {
    if (token.kind !== "name" || token.text === "as") continue;
    if (token.text.startsWith("_")) out.push(diagnostic(POLICY.checks.importPrivateName!, token.text, token, token.text.length));
    const member = BLOCKED_MEMBERS.get(`${module}.${token.text}`);
    if (member) out.push(diagnostic(POLICY.checks.blockedMember!, member, token, token.text.length));
  }
}

function analyzeTokens(tokens: Token[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  const aliases = new Map<string, string>();
  let hasRule = false;
  for (const statement of statements(tokens)) {
    const head = statement[0]!;
    if (head.kind === "name" && (head.text === "import" || (head.text === "from" && statement.some((t) => t.text === "import")))) checkImport(statement, out, aliases);
    if (head.text === "def" && statement[1]?.text === "rule" && head.column === 1) hasRule = true;
    if (head.text === "except") {
      const next = statement[1];
      if (!next || next.text === ":") out.push(diagnostic(POLICY.checks.bareExcept!, "", head, 6));
    }
  }
  for (let k = 0; k < tokens.length; k++) {
    const token = tokens[k]!;
    const previous = tokens[k - 1];
    if (token.kind === "string") {
      // "{0.__class__}".format(x): str.format's field lookup reads attributes by name.
      const after = tokens[k + 1];
      const method = tokens[k + 2];
      if (after?.text === "." && (method?.text === "format" || method?.text === "format_map")) {
        for (const match of token.text.matchAll(/\{[^{}]*?\.([A-Za-z_]\w*)/g)) {
          if (attributeBlocked(match[1]!)) out.push(diagnostic(POLICY.checks.blockedAttribute!, match[1]!, token, token.text.length));
        }
      }
      continue;
    }
    if (token.kind !== "name") continue;
    if (previous?.kind === "op" && previous.text === ".") {
      if (attributeBlocked(token.text)) out.push(diagnostic(POLICY.checks.blockedAttribute!, token.text, token, token.text.length));
      const object = tokens[k - 2];
      if (object?.kind === "name" && tokens[k - 3]?.text !== ".") {
        const module = aliases.get(object.text);
        const member = module ? BLOCKED_MEMBERS.get(`${module}.${token.text}`) : undefined;
        if (member) out.push(diagnostic(POLICY.checks.blockedMember!, member, token, token.text.length));
      }
      continue;
    }
    // `input` is also the rule's first parameter: only a call of it is the builtin.
    const isBuiltinUse = BLOCKED_BUILTINS.has(token.text) && tokens[k + 1]?.text !== "=" && previous?.text !== "def" && (token.text !== "input" || tokens[k + 1]?.text === "(");
    if (isBuiltinUse) {
      out.push(diagnostic(POLICY.checks.blockedBuiltin!, fill(BLOCKED_BUILTINS.get(token.text)!, token.text), token, token.text.length));
      continue;
    }
    if (isDunder(token.text) && token.text !== "__name__" && previous?.text !== "def") {
      out.push(diagnostic(POLICY.checks.dunderName!, token.text, token, token.text.length));
      continue;
    }
    if (previous?.text === "except" || (previous?.text === "," && tokens.slice(Math.max(0, k - 12), k).some((t) => t.text === "except"))) {
      if (BLOCKED_EXCEPTIONS.has(token.text)) out.push(diagnostic(POLICY.checks.blockedException!, token.text, token, token.text.length));
    } else if (previous?.text === "(" && tokens[k - 2]?.text === "except" && BLOCKED_EXCEPTIONS.has(token.text)) {
      out.push(diagnostic(POLICY.checks.blockedException!, token.text, token, token.text.length));
    }
    // getattr(x, "__class__"), setattr, delattr, hasattr with a literal name.
    if (["getattr", "setattr", "delattr", "hasattr"].includes(token.text) && tokens[k + 1]?.text === "(") {
      const literal = tokens.slice(k + 2, k + 12).find((t, j, all) => t.kind === "string" && all[j - 1]?.text === ",");
      const name = literal ? /^[a-zA-Z]*['"]{1,3}(.*?)['"]{1,3}$/s.exec(literal.text)?.[1] : undefined;
      if (name !== undefined && attributeBlocked(name) && POLICY.checks.blockedAttributeName) out.push(diagnostic(POLICY.checks.blockedAttributeName, token.text, token, token.text.length));
    }
  }
  if (!hasRule) out.push(diagnostic(POLICY.checks.missingRuleFunction!, "", { line: 1, column: 1 }, 1));
  return out.sort((a, b) => a.line - b.line || a.column - b.column || a.code.localeCompare(b.code)).slice(0, 100);
}

/**
 * Applies the Python policy to a rule's source. Never throws: an internal failure is an RB600
 * error (fail closed). Lines and columns are 1-based, end exclusive (Monaco's convention).
 */
export function analyzePython(source: string): Diagnostic[] {
  try {
    if (typeof source !== "string") throw new TypeError("source must be a string");
    if (new TextEncoder().encode(source).length > MAX_PYTHON_SOURCE_BYTES) {
      return [diagnostic(POLICY.checks.sourceTooLarge!, String(MAX_PYTHON_SOURCE_BYTES), { line: 1, column: 1 }, 1)];
    }
    return analyzeTokens(tokenize(source));
  } catch {
    return [diagnostic(POLICY.checks.analyzerFailure!, "", { line: 1, column: 1 }, 1)];
  }
}
