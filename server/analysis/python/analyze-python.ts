// The static check for Python rules: policy.json applied to the rule's syntax tree from
// @lezer/python. Pure (no Node imports) so the editor runs it live, as the server does before
// every run (fail closed: any error diagnostic blocks the run).
// Why a grammar and not tokens: the tree tells a use from a binding and an attribute from a name,
// so `input` the rule's parameter is not `input()` the builtin, a parameter named like an imported
// module is not that module, `getattr(x, name)` has an argument list to look at, f-string fields
// are expressions (checked) while plain strings and comments are never code, and syntax errors
// come out as RB601 with a position. lezer is an incremental LR parser with error recovery (the one
// CodeMirror uses): it never throws on bad input, its parse and tree walk are iterative, and it is
// pure JavaScript that bundles for the browser.
// Checked: imports (RB610 not allowed, RB611 relative, RB612 private names), blocked builtins
// (RB620), dunder names (RB621) and names reserved for the runtime's own code (RB622), blocked
// attributes (RB630: `.x`, decorators, attribute patterns, str.format fields), blocked module
// members (RB631, through the module alias, a from-import, a literal getattr name or a star
// import), getattr & co. by literal name (RB633) or computed name (RB632, warning), except
// clauses (RB640, RB641), class-pattern keywords (RB642) and positional class patterns (RB643),
// the rule entry point (RB650, RB651), global/nonlocal (RB652, warning).
// lezer's grammar rejects a few forms CPython 3.12 accepts (KNOWN_FALSE_POSITIVES below): those
// are not reported, and since recovery may have skipped text there, the token backstop
// (RB620/RB621/RB630 over the raw tokens) still runs over such a source. The opposite — lezer
// accepting what CPython refuses, e.g. an unterminated string — is CPython's to report in the
// executor. This is one layer, not the boundary: runner.py's guards hold without it
// (RULEBOX_SKIP_STATIC_CHECK=1).
import type { SyntaxNode, Tree } from "@lezer/common";
import { parser } from "@lezer/python";
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
  selfMatchingTypes: { names: string[] };
  checks: Record<string, Check>;
}

const POLICY = policyJson as unknown as PythonPolicy;
const CHECK_KEYS = [
  "analyzerFailure", "syntaxError", "sourceTooLarge", "tooDeeplyNested", "tooManyProblems", "importNotAllowed", "relativeImport",
  "importPrivateName", "blockedBuiltin", "dunderName", "reservedName", "blockedAttribute", "blockedMember", "dynamicAttributeName",
  "blockedAttributeName", "blockedException", "bareExcept", "blockedMatchAttribute", "positionalClassPattern", "missingRuleFunction", "ruleNotFunction",
  "globalStatement",
] as const;
type CheckKey = (typeof CHECK_KEYS)[number];
for (const key of CHECK_KEYS) {
  if (!POLICY.checks[key]) throw new Error(`python policy: check ${key} is missing`);
}
if (!POLICY.selfMatchingTypes?.names?.length) throw new Error("python policy: selfMatchingTypes is missing");
/** The builtin types a positional class pattern matches by the subject itself (runner.py reads the same list). */
const SELF_MATCHING_TYPES = new Set(POLICY.selfMatchingTypes.names);
const SELF_MATCHING_TEXT = ((names: string[]) => `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`)([...SELF_MATCHING_TYPES].sort());
const CHECKS = {
  ...POLICY.checks,
  positionalClassPattern: { ...POLICY.checks.positionalClassPattern!, message: POLICY.checks.positionalClassPattern!.message.replaceAll("{types}", SELF_MATCHING_TEXT) },
} as Record<CheckKey, Check>;
const ALLOWED = new Set(POLICY.allowedModules.map((m) => m.name));
const ALLOWED_TEXT = [...ALLOWED].sort().join(", ");
const BLOCKED_BUILTINS = new Map(POLICY.blockedBuiltins.map((b) => [b.name, b.message]));
const BLOCKED_ATTRIBUTES = new Set(POLICY.blockedAttributes.names);
const UNDERSCORE_EXCEPTIONS = new Set(POLICY.blockedAttributes.exceptNames);
const BLOCKED_MEMBERS = new Map(POLICY.blockedMembers.map((m) => [`${m.object}.${m.name}`, m.message]));
const BLOCKED_EXCEPTIONS = new Set(POLICY.blockedExceptions.names);
/** Per module, its refused members as a star import would bring them in (runner.py's STAR_REFUSED is computed from the module itself). */
const STAR_REFUSED = new Map<string, string>();
for (const member of [...POLICY.blockedMembers].sort((a, b) => a.name.localeCompare(b.name))) {
  const listed = STAR_REFUSED.get(member.object);
  STAR_REFUSED.set(member.object, listed ? `${listed}, ${member.name}` : member.name);
}
const ATTRIBUTE_FUNCTIONS = new Set(["getattr", "setattr", "delattr", "hasattr"]);

/** Most bytes a Python rule may have. */
export const MAX_PYTHON_SOURCE_BYTES = POLICY.maxSourceBytes;

/** Most diagnostics listed for one source (as for JavaScript: analyze.ts), then an RB605 summary. */
export const MAX_PYTHON_DIAGNOSTICS = 100;

// CPython refuses more than 200 nested brackets ("too many nested parentheses"); a source past
// that never runs, and refusing it here bounds what the parser and tree builder hold.
const MAX_BRACKET_DEPTH = 200;

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

interface Position {
  line: number;
  column: number;
}

function diagnosticAt(check: Check, name: string, start: Position, end: Position): Diagnostic {
  return { code: check.code, severity: check.severity, message: fill(check.message, name), line: start.line, column: start.column, endLine: end.line, endColumn: end.column };
}

function fileDiagnostic(check: Check, name: string): Diagnostic {
  return diagnosticAt(check, name, { line: 1, column: 1 }, { line: 1, column: 2 });
}

function attributeBlocked(name: string): boolean {
  if (name.startsWith("_")) return !UNDERSCORE_EXCEPTIONS.has(name);
  return BLOCKED_ATTRIBUTES.has(name);
}

/** A name of the form __x__, as runner.py's transform refuses it (so `__` and `___` too). */
function isDunder(name: string): boolean {
  return name.startsWith("__") && name.endsWith("__");
}

/** Names runner.py keeps for the code its transform writes (`__rbx_getattr__`, `__rbx_pv0`, …). */
function isReserved(name: string): boolean {
  return name.startsWith("__rbx");
}

const ESCAPES: Record<string, string> = { "\n": "", "\\": "\\", "'": "'", '"': '"', a: "\x07", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t", v: "\v" };

/** A plain string literal's value, or undefined when it is not one this can decode (then: computed). */
function stringValue(text: string): string | undefined {
  const match = /^([rRbBuU]{0,2})('''|"""|'|")([\s\S]*)\2$/.exec(text);
  if (!match) return undefined;
  const body = match[3]!;
  if (/[rR]/.test(match[1]!)) return body;
  let value = "";
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c !== "\\") {
      value += c;
      continue;
    }
    const next = body[i + 1] ?? "";
    const hex = next === "x" ? 2 : next === "u" ? 4 : next === "U" ? 8 : 0;
    if (hex) {
      const digits = body.slice(i + 2, i + 2 + hex);
      if (!/^[0-9a-fA-F]+$/.test(digits) || digits.length !== hex) return undefined;
      value += String.fromCodePoint(Number.parseInt(digits, 16));
      i += 1 + hex;
    } else if (/[0-7]/.test(next)) {
      const digits = /^[0-7]{1,3}/.exec(body.slice(i + 1))![0];
      value += String.fromCodePoint(Number.parseInt(digits, 8));
      i += digits.length;
    } else if (next in ESCAPES) {
      value += ESCAPES[next];
      i += 1;
    } else return undefined;
  }
  return value;
}

// Where lezer's grammar (1.1.x) errs on Python that CPython 3.12 accepts. Each test gets the error
// node and says whether it is that form; such errors are not reported (docs/policy.md).
const KNOWN_FALSE_POSITIVES: { name: string; test: (error: SyntaxNode, source: string, tokens: Token[]) => boolean }[] = [
  {
    // `case str():` — a class pattern without arguments.
    name: "empty class pattern",
    test: (error, source) => hasAncestor(error, "PatternArgList") && prevChar(source, error.from) === "(" && (source.slice(error.from, error.to) === ")" || (error.from === error.to && nextChar(source, error.from) === ")")),
  },
  {
    // `x = yield`, `(yield)` — a yield without a value as an expression.
    name: "bare yield expression",
    test: (error, source) => error.from === error.to && error.parent?.name === "YieldExpression" && /^\s*yield\s*$/.test(source.slice(error.parent.from, error.from)),
  },
  {
    // `with (open(a) as f, open(b) as g):` — parenthesized context managers (3.10).
    name: "parenthesized with items",
    test: (error, source) => headerOf(error, "WithStatement", source, /^(?:async\s+)?with\s*\(/),
  },
  {
    // `for x in *a, *b:` — starred items in a for loop's iterable (3.9).
    name: "starred for iterable",
    // Recovery splits that line into two statements, so the test is on the line's text.
    test: (error, source) => /^[ \t]*(?:async\s+)?for\b.*\bin\s*\*.*:[ \t]*(?:#.*)?$/.test(lineAt(source, error.from)),
  },
  {
    // `a + b + … ` or `x.y.z…` with hundreds of operators: after 300 left-associative reductions
    // from one start, lezer forces the production closed so its tree stays shallow (@lezer/lr's
    // MaxLeftAssociativeReductionCount), which leaves an error node. CPython takes ~1000 and more.
    name: "long operator chain",
    test: (error, source, tokens) => tokensInLogicalLine(tokens, source, error.from) >= LONG_CHAIN_TOKENS,
  },
];

// Tokens of one logical line past which an error is taken for that kludge: a chain of 300.
const LONG_CHAIN_TOKENS = 600;

/** Tokens in the logical line (brackets joined) holding `offset`. */
function tokensInLogicalLine(tokens: Token[], source: string, offset: number): number {
  const before = source.slice(0, offset);
  const line = before.split("\n").length;
  const column = offset - before.lastIndexOf("\n");
  let at = tokens.findIndex((t) => t.line > line || (t.line === line && t.column >= column));
  if (at < 0) at = tokens.length - 1;
  let start = at;
  while (start > 0 && tokens[start - 1]!.kind !== "newline") start -= 1;
  let count = 0;
  for (let i = start; i < tokens.length && (i <= at || tokens[i]!.kind !== "newline"); i++) count += 1;
  return count;
}

function hasAncestor(node: SyntaxNode, name: string): boolean {
  for (let n = node.parent; n; n = n.parent) if (n.name === name) return true;
  return false;
}

/** Whether the error lies in the header (before the body) of a `statement` whose header matches. */
function headerOf(error: SyntaxNode, statement: string, source: string, header: RegExp): boolean {
  for (let n = error.parent; n; n = n.parent) {
    if (n.name === "Body") return false;
    if (n.name === statement) {
      const body = n.getChild("Body");
      return (!body || error.from <= body.from) && header.test(source.slice(n.from, body ? body.from : n.to));
    }
  }
  return false;
}

function lineAt(source: string, at: number): string {
  const start = source.lastIndexOf("\n", at - 1) + 1;
  const end = source.indexOf("\n", at);
  return source.slice(start, end < 0 ? source.length : end);
}

function prevChar(source: string, at: number): string {
  let i = at - 1;
  while (i >= 0 && /\s/.test(source[i]!)) i -= 1;
  return source[i] ?? "";
}

function nextChar(source: string, at: number): string {
  let i = at;
  while (i < source.length && /[ \t\f\r]/.test(source[i]!)) i += 1;
  return source[i] ?? "";
}

interface SyntaxProblem {
  message: string;
  /** Where to point, when not at the error node (an unclosed bracket: the bracket). */
  at?: Token;
}

/** What a syntax error says, from the error node and the text around it. */
function syntaxProblem(error: SyntaxNode, source: string, tokens: Token[]): SyntaxProblem {
  const problem = syntaxMessage(error, source);
  if (problem !== "end of input") return { message: problem };
  const open = unclosedBracket(tokens);
  return open ? { message: `\`${open.text}\` on line ${open.line} is never closed`, at: open } : { message: "unexpected end of input" };
}

function syntaxMessage(error: SyntaxNode, source: string): string {
  const text = source.slice(error.from, error.to).split("\n")[0]!.trim();
  if (text) return `unexpected \`${text.length > 20 ? `${text.slice(0, 20)}…` : text}\``;
  const rest = source.slice(error.from);
  if (/^\s*(?:#[^\n]*\s*)*$/.test(rest)) return "end of input";
  if (error.parent?.name === "Body") return prevChar(source, error.from) === ":" ? "expected an indented block" : "expected `:`";
  const next = nextChar(source, error.from);
  if (next === "\n" || next === "#") return "unexpected end of line";
  const token = /^(?:[A-Za-z_\u00C0-\uFFFF][\w\u00C0-\uFFFF]*|\S)/.exec(rest.trimStart())?.[0] ?? next;
  return `unexpected \`${token}\``;
}

function unclosedBracket(tokens: Token[]): Token | undefined {
  const stack: Token[] = [];
  for (const token of tokens) {
    if (token.kind !== "op") continue;
    if ("([{".includes(token.text)) stack.push(token);
    else if (")]}".includes(token.text)) stack.pop();
  }
  return stack[0];
}

interface Scope {
  /** Names bound by the function's parameters. */
  params: Set<string>;
}

class PythonAnalysis {
  diagnostics: Diagnostic[] = [];
  /** RB620 reports of an unbound `input` (see run(): dropped when a syntax error is reported). */
  private readonly unboundInput = new Set<Diagnostic>();
  private readonly lineStarts: number[] = [0];
  /** Module aliases: local name → module (`import typing as t`: t → typing). */
  private readonly modules = new Map<string, string>();
  /** Blocked members imported by name: local name → message (`from typing import ForwardRef`). */
  private readonly blockedImports = new Map<string, string>();
  private readonly scopes: Scope[] = [];
  private hasRule = false;
  private ruleMisdefined = false;
  private firstError: SyntaxNode | undefined;
  private hasErrors = false;

  constructor(private readonly source: string) {
    for (let i = 0; i < source.length; i++) if (source[i] === "\n") this.lineStarts.push(i + 1);
  }

  position(offset: number): Position {
    let low = 0;
    let high = this.lineStarts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.lineStarts[mid]! <= offset) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, column: offset - this.lineStarts[low]! + 1 };
  }

  report(check: Check, name: string, from: number, to: number): void {
    this.diagnostics.push(diagnosticAt(check, name, this.position(from), this.position(Math.max(to, from + 1))));
  }

  private text(node: SyntaxNode): string {
    return this.source.slice(node.from, node.to);
  }

  run(tree: Tree, tokens: Token[]): void {
    // Iterative: lezer's cursor walks the tree without recursion, and scopes are an explicit stack.
    tree.iterate({
      enter: (ref) => {
        const node = ref.node;
        if (ref.type.isError) {
          this.hasErrors = true;
          if (!this.firstError && !KNOWN_FALSE_POSITIVES.some((fp) => fp.test(node, this.source, tokens))) this.firstError = node;
          return;
        }
        this.enter(node);
      },
      leave: (ref) => {
        if (ref.name === "FunctionDefinition" || ref.name === "LambdaExpression") this.scopes.pop();
      },
    });
    this.checkTopLevel(tree.topNode);
    if (this.firstError) {
      // Past a syntax error lezer's recovery can lose the `def`, and the rule's own `input`
      // parameter then reads as the builtin `input()`: not reported while the syntax error blocks
      // the run anyway (found by an outside-in review, 2026-12-08). Escape names still are.
      this.diagnostics = this.diagnostics.filter((d) => !this.unboundInput.has(d));
      const problem = syntaxProblem(this.firstError, this.source, tokens);
      if (problem.at) this.diagnostics.push(diagnosticAt(CHECKS.syntaxError, problem.message, problem.at, { line: problem.at.line, column: problem.at.column + 1 }));
      else this.report(CHECKS.syntaxError, problem.message, this.firstError.from, this.firstError.to);
    }
    if (this.hasErrors) this.backstop(tokens);
  }

  private enter(node: SyntaxNode): void {
    switch (node.name) {
      case "FunctionDefinition":
      case "LambdaExpression":
        this.scopes.push({ params: this.paramsOf(node) });
        return;
      case "ImportStatement":
        this.checkImport(node);
        return;
      case "VariableName":
        this.checkName(node);
        return;
      case "PropertyName":
        this.checkAttribute(node);
        return;
      case "CallExpression":
        this.checkCall(node);
        return;
      case "TryStatement":
        this.checkExcepts(node);
        return;
      case "KeywordPattern": {
        // Any keyword: a class pattern reads the attribute in C, past the runtime's guard.
        const name = node.firstChild;
        if (name?.name === "VariableName") this.report(CHECKS.blockedMatchAttribute, this.text(name), name.from, name.to);
        return;
      }
      case "ClassPattern": {
        // Positional sub-patterns read the attributes __match_args__ names, except for the
        // builtin types that match the subject itself (runner.py rewrites those to its aliases).
        const cls = node.firstChild;
        const args = node.getChild("PatternArgList");
        let positional = false;
        for (let child = args?.firstChild ?? null; child; child = child.nextSibling) {
          if (child.from < child.to && child.name.endsWith("Pattern") && child.name !== "KeywordPattern") positional = true;
        }
        const name = cls ? this.text(cls) : "";
        if (positional && cls && !(cls.name === "VariableName" && SELF_MATCHING_TYPES.has(name))) this.report(CHECKS.positionalClassPattern, name, cls.from, cls.to);
        return;
      }
      case "ScopeStatement": {
        const keyword = node.firstChild!;
        this.report(CHECKS.globalStatement, "", keyword.from, keyword.to);
        return;
      }
      case "PrintStatement":
        // lezer also parses Python 2's `print x`, which CPython refuses.
        if (!this.firstError) this.firstError = node.firstChild ?? node;
        this.hasErrors = true;
        return;
    }
  }

  private paramsOf(fn: SyntaxNode): Set<string> {
    const params = new Set<string>();
    const list = fn.getChild("ParamList");
    for (let child = list?.firstChild; child; child = child.nextSibling) {
      if (child.name === "VariableName" && child.prevSibling?.name !== "AssignOp") params.add(this.text(child));
    }
    return params;
  }

  /** Whether a name is a parameter of an enclosing function (so not the module alias or builtin). */
  private isParam(name: string): boolean {
    return this.scopes.some((scope) => scope.params.has(name));
  }

  /** Whether this VariableName binds the name rather than reads it. */
  private isBinding(node: SyntaxNode): boolean {
    const parent = node.parent?.name;
    const previous = node.prevSibling?.name;
    if (node.nextSibling?.name === "AssignOp" || previous === "def" || previous === "class" || previous === "as") return true;
    if (parent === "ParamList") return previous !== "AssignOp";
    return parent === "ImportStatement" || parent === "ScopeStatement" || parent === "CapturePattern";
  }

  private checkName(node: SyntaxNode): void {
    const parent = node.parent!;
    const name = this.text(node);
    if (parent.name === "Decorator" && node.prevSibling?.name === ".") {
      // `@a.b`: lezer names a decorator's attributes VariableName.
      this.checkAttribute(node);
      return;
    }
    if (parent.name === "KeywordPattern" && node.prevSibling === null) return;
    const binding = this.isBinding(node);
    if (parent.name === "ScopeStatement" && name.startsWith("__") && !isDunder(name)) {
      this.report(CHECKS.dunderName, name, node.from, node.to);
      return;
    }
    const builtin = BLOCKED_BUILTINS.get(name);
    // `input` is also the rule's first parameter: only the unbound name is the builtin.
    if (builtin && !binding && !(name === "input" && this.isParam(name))) {
      this.report(CHECKS.blockedBuiltin, fill(builtin, name), node.from, node.to);
      if (name === "input") this.unboundInput.add(this.diagnostics[this.diagnostics.length - 1]!);
      return;
    }
    const defined = (parent.name === "FunctionDefinition" || parent.name === "ClassDefinition") && (node.prevSibling?.name === "def" || node.prevSibling?.name === "class");
    if (isDunder(name) && name !== "__name__" && !defined) {
      this.report(CHECKS.dunderName, name, node.from, node.to);
      return;
    }
    if (isReserved(name)) {
      this.report(CHECKS.reservedName, name, node.from, node.to);
      return;
    }
    const imported = this.blockedImports.get(name);
    if (imported && !binding && !this.isParam(name)) this.report(CHECKS.blockedMember, imported, node.from, node.to);
  }

  /** A PropertyName (or a decorator's dotted name): `.name`. */
  private checkAttribute(node: SyntaxNode): void {
    const name = this.text(node);
    if (attributeBlocked(name)) this.report(CHECKS.blockedAttribute, name, node.from, node.to);
    const dot = node.prevSibling;
    const object = dot?.name === "." ? dot.prevSibling : null;
    if (!object) return;
    if (object.name === "VariableName" && (object.prevSibling === null || object.prevSibling.name === "At")) {
      const alias = this.text(object);
      const module = this.modules.get(alias);
      const member = module && !this.isParam(alias) ? BLOCKED_MEMBERS.get(`${module}.${name}`) : undefined;
      if (member) this.report(CHECKS.blockedMember, member, node.from, node.to);
    }
    if ((name === "format" || name === "format_map") && (object.name === "String" || object.name === "ContinuedString")) {
      // "{0.__class__}".format(x): str.format's field lookup reads attributes by name.
      for (const match of this.text(object).matchAll(/\{[^{}]*?\.([A-Za-z_]\w*)/g)) {
        if (attributeBlocked(match[1]!)) this.report(CHECKS.blockedAttribute, match[1]!, object.from, object.to);
      }
    }
  }

  private checkImport(node: SyntaxNode): void {
    const parts: SyntaxNode[] = [];
    for (let child = node.firstChild; child; child = child.nextSibling) if (child.name !== "(" && child.name !== ")") parts.push(child);
    if (parts[0]?.name === "import") {
      // import a.b as c, d
      let i = 1;
      while (i < parts.length) {
        const start = parts[i]!;
        let name = "";
        let end = start;
        while (i < parts.length && parts[i]!.name !== "," && parts[i]!.name !== "as") {
          end = parts[i]!;
          name += this.text(parts[i++]!);
        }
        let alias: string | undefined;
        if (parts[i]?.name === "as") {
          alias = parts[i + 1] ? this.text(parts[i + 1]!) : undefined;
          i += 2;
        }
        if (parts[i]?.name === ",") i += 1;
        if (!name) continue;
        if (!ALLOWED.has(name)) this.report(CHECKS.importNotAllowed, name, start.from, end.to);
        else if (alias) this.modules.set(alias, name);
        else this.modules.set(name.split(".")[0]!, name.split(".")[0]!);
      }
      return;
    }
    // from m import x as y, z
    let i = 1;
    let module = "";
    const start = parts[1];
    let end = start;
    while (i < parts.length && parts[i]!.name !== "import") {
      end = parts[i]!;
      module += this.text(parts[i++]!);
    }
    if (!start || !end) return;
    if (module.startsWith(".")) {
      this.report(CHECKS.relativeImport, module, start.from, end.to);
      return;
    }
    if (!ALLOWED.has(module)) {
      this.report(CHECKS.importNotAllowed, module, start.from, end.to);
      return;
    }
    for (i += 1; i < parts.length; i++) {
      const part = parts[i]!;
      if (part.name === "*") {
        // `from m import *` copies m's names in C, past the checks: the runtime refuses it for a
        // module with refused members, and so does this.
        const refused = STAR_REFUSED.get(module);
        if (refused) this.report(CHECKS.blockedMember, `\`from ${module} import *\` is not available in a rule: it would bring in ${refused}, which a rule may not use. Import the names you use.`, part.from, part.to);
        continue;
      }
      if (part.name !== "VariableName") continue;
      const name = this.text(part);
      const local = parts[i + 1]?.name === "as" && parts[i + 2] ? this.text(parts[i + 2]!) : name;
      if (name.startsWith("_")) this.report(CHECKS.importPrivateName, name, part.from, part.to);
      const member = BLOCKED_MEMBERS.get(`${module}.${name}`);
      if (member) {
        this.report(CHECKS.blockedMember, member, part.from, part.to);
        this.blockedImports.set(local, member);
      }
      if (local !== name) i += 2;
    }
  }

  /** getattr(x, "name"), setattr, delattr, hasattr: the name is checked when it is a literal. */
  private checkCall(node: SyntaxNode): void {
    const callee = node.firstChild;
    if (callee?.name !== "VariableName") return;
    const name = this.text(callee);
    if (!ATTRIBUTE_FUNCTIONS.has(name) || this.isParam(name)) return;
    const args: SyntaxNode[][] = [[]];
    for (let child = callee.nextSibling?.firstChild; child; child = child.nextSibling) {
      if (child.name === "(" || child.name === ")") continue;
      if (child.name === ",") args.push([]);
      else args[args.length - 1]!.push(child);
    }
    if (args.length < 2 && args[0]!.length === 0) return;
    const second = args[1];
    const literal = second?.length === 1 ? second[0]! : undefined;
    let value: string | undefined;
    if (literal?.name === "String") value = stringValue(this.text(literal));
    else if (literal?.name === "ContinuedString") {
      value = "";
      for (let piece = literal.firstChild; piece && value !== undefined; piece = piece.nextSibling) {
        const part = piece.name === "String" ? stringValue(this.text(piece)) : undefined;
        value = part === undefined ? undefined : value + part;
      }
    }
    if (value !== undefined) {
      if (attributeBlocked(value)) this.report(CHECKS.blockedAttributeName, name, callee.from, callee.to);
      // getattr(typing, "ForwardRef"): the runtime guard refuses reading the member by module and
      // name. (hasattr answers False there instead; setattr and delattr are not reads.)
      const target = args[0]!.length === 1 ? args[0]![0]! : undefined;
      const module = target?.name === "VariableName" && !this.isParam(this.text(target)) ? this.modules.get(this.text(target)) : undefined;
      const member = module && name === "getattr" ? BLOCKED_MEMBERS.get(`${module}.${value}`) : undefined;
      if (member) this.report(CHECKS.blockedMember, member, literal!.from, literal!.to);
      return;
    }
    // One argument only (`getattr(*args)`) or a computed name: the runtime guard decides.
    if (second || args[0]!.some((n) => n.name === "*" || n.name === "**")) this.report(CHECKS.dynamicAttributeName, name, callee.from, callee.to);
  }

  private checkExcepts(node: SyntaxNode): void {
    for (let child = node.firstChild; child; child = child.nextSibling) {
      if (child.name !== "except") continue;
      let spec = child.nextSibling;
      if (spec?.name === "*") spec = spec.nextSibling;
      if (!spec || spec.name === "Body") {
        this.report(CHECKS.bareExcept, "", child.from, child.to);
        continue;
      }
      const names = spec.name === "VariableName" ? [spec] : spec.name === "TupleExpression" || spec.name === "ParenthesizedExpression" ? spec.getChildren("VariableName") : [];
      for (const name of names) {
        if (BLOCKED_EXCEPTIONS.has(this.text(name))) this.report(CHECKS.blockedException, this.text(name), name.from, name.to);
      }
    }
  }

  /** The module's top level: `def rule(input, ctx):`, and no other kind of `rule`. */
  private checkTopLevel(script: SyntaxNode): void {
    for (let statement = script.firstChild; statement; statement = statement.nextSibling) {
      const definition = statement.name === "DecoratedStatement" ? statement.getChild("FunctionDefinition") ?? statement.getChild("ClassDefinition") : statement;
      if (!definition) continue;
      if (definition.name === "FunctionDefinition" || definition.name === "ClassDefinition") {
        const name = definition.getChild("VariableName");
        if (!name || this.text(name) !== "rule") continue;
        if (definition.name === "FunctionDefinition" && definition.firstChild?.name !== "async") this.hasRule = true;
        else this.misdefined(name);
      } else if (definition.name === "AssignStatement") {
        for (let target = definition.firstChild; target && target.name !== "AssignOp"; target = target.nextSibling) {
          if (target.name === "VariableName" && this.text(target) === "rule") this.misdefined(target);
        }
      }
    }
    if (!this.hasRule && !this.ruleMisdefined) this.diagnostics.push(fileDiagnostic(CHECKS.missingRuleFunction, ""));
  }

  private misdefined(name: SyntaxNode): void {
    this.ruleMisdefined = true;
    this.report(CHECKS.ruleNotFunction, "", name.from, name.to);
  }

  /**
   * When lezer recovered from an error, part of the source may be in no node: the escape checks
   * (blocked builtins but `input`, dunder names, attributes after ".") also run over the raw tokens.
   */
  private backstop(tokens: Token[]): void {
    const seen = new Set(this.diagnostics.map((d) => `${d.code}@${d.line}:${d.column}`));
    const add = (check: Check, name: string, token: Token) => {
      if (seen.has(`${check.code}@${token.line}:${token.column}`)) return;
      seen.add(`${check.code}@${token.line}:${token.column}`);
      this.diagnostics.push(diagnosticAt(check, name, token, { line: token.line, column: token.column + token.text.length }));
    };
    for (let k = 0; k < tokens.length; k++) {
      const token = tokens[k]!;
      if (token.kind !== "name") continue;
      const previous = tokens[k - 1];
      if (previous?.text === ".") {
        // Dotted module names of an import are not attributes (and are checked as imports).
        if (attributeBlocked(token.text) && !["import", "from"].includes(statementHead(tokens, k))) add(CHECKS.blockedAttribute, token.text, token);
        continue;
      }
      const builtin = BLOCKED_BUILTINS.get(token.text);
      if (builtin && token.text !== "input" && tokens[k + 1]?.text !== "=" && previous?.text !== "def") add(CHECKS.blockedBuiltin, fill(builtin, token.text), token);
      else if (isDunder(token.text) && token.text !== "__name__" && previous?.text !== "def" && previous?.text !== "class") add(CHECKS.dunderName, token.text, token);
    }
  }
}

/** The first token of the statement holding tokens[k]. */
function statementHead(tokens: Token[], k: number): string {
  let i = k;
  while (i > 0 && tokens[i - 1]!.kind !== "newline" && tokens[i - 1]!.text !== ";") i -= 1;
  return tokens[i]!.text;
}

function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  return a.line - b.line || a.column - b.column || a.code.localeCompare(b.code);
}

// Errors are kept before warnings, so a cut list still blocks whenever the full one would.
function capDiagnostics(diagnostics: Diagnostic[]): Diagnostic[] {
  if (diagnostics.length <= MAX_PYTHON_DIAGNOSTICS) return diagnostics.sort(compareDiagnostics);
  const bySeverity = [...diagnostics].sort((a, b) => (a.severity === b.severity ? compareDiagnostics(a, b) : a.severity === "error" ? -1 : 1));
  const kept = bySeverity.slice(0, MAX_PYTHON_DIAGNOSTICS).sort(compareDiagnostics);
  const last = kept[kept.length - 1]!;
  const summary = diagnosticAt(CHECKS.tooManyProblems, String(diagnostics.length - MAX_PYTHON_DIAGNOSTICS), last, { line: last.endLine, column: last.endColumn });
  return [...kept, summary];
}

function isStackOverflow(error: unknown): boolean {
  return error instanceof RangeError && /call stack/i.test(error.message);
}

/**
 * Applies the Python policy to a rule's source. Never throws: syntax errors are RB601 diagnostics,
 * an internal failure is an RB600 error (fail closed). Lines and columns are 1-based, end
 * exclusive (Monaco's convention); at most MAX_PYTHON_DIAGNOSTICS and an RB605 summary.
 */
export function analyzePython(source: string): Diagnostic[] {
  try {
    if (typeof source !== "string") throw new TypeError("source must be a string");
    if (new TextEncoder().encode(source).length > MAX_PYTHON_SOURCE_BYTES) {
      return [fileDiagnostic(CHECKS.sourceTooLarge, String(MAX_PYTHON_SOURCE_BYTES))];
    }
    const tokens = tokenize(source);
    let depth = 0;
    for (const token of tokens) {
      if (token.kind !== "op") continue;
      if ("([{".includes(token.text)) depth += 1;
      else if (")]}".includes(token.text)) depth = Math.max(0, depth - 1);
      if (depth > MAX_BRACKET_DEPTH) return [diagnosticAt(CHECKS.tooDeeplyNested, "", token, { line: token.line, column: token.column + 1 })];
    }
    const analysis = new PythonAnalysis(source);
    analysis.run(parser.parse(source), tokens);
    return capDiagnostics(analysis.diagnostics);
  } catch (error) {
    if (isStackOverflow(error)) return [fileDiagnostic(CHECKS.tooDeeplyNested, "")];
    return [fileDiagnostic(CHECKS.analyzerFailure, "")];
  }
}
