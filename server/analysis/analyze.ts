// The static analyzer: parses a rule (JS or TS) and applies the policy in blocklist.json. Pure (no
// Node imports): the browser editor runs this same code on every keystroke, and the server runs it
// before every run, where it fails closed — an internal failure is an error diagnostic, never a pass.
//
// The walk is iterative over every object-valued child (no visitor table to keep in sync with the
// parser), with an explicit stack so hostile nesting cannot overflow it. Scopes are tracked so a
// local `process` shadows the global, and member names are never mistaken for references
// (`order.process` is fine). Type-only TypeScript is skipped: it is erased before the rule runs.
//
// What this layer cannot see: keys computed at run time (`x[a + b]` with non-constant parts),
// values reached through data (`input.f.constructor` where the key arrives in `input`), and any
// reflection on strings. Those are the runtime layers' job (SES compartment, frozen intrinsics,
// worker and process walls); see docs/security.md and docs/policy.md.
import { parse, type ParserPlugin } from "@babel/parser";
import type { Diagnostic, Language } from "../contracts/run";
import { ALLOWED_MODULES, MAX_SOURCE_BYTES, POLICY, type Check, type SyntaxKind } from "./policy";

import { analyzePython } from "./python/analyze-python";
export { ALLOWED_MODULES, MAX_SOURCE_BYTES, POLICY } from "./policy";
export type { Policy } from "./policy";

interface Position {
  line: number;
  column: number;
}
interface Node {
  type: string;
  start?: number | null;
  end?: number | null;
  loc?: { start: Position; end: Position } | null;
  [key: string]: unknown;
}
type Severity = Diagnostic["severity"];

interface Binding {
  kind: "var" | "let" | "const" | "function" | "class" | "param" | "import" | "other";
  /** The declaration: the function/class node, or a declarator's initializer. */
  value?: Node | null;
}

class Scope {
  readonly bindings = new Map<string, Binding>();
  constructor(
    readonly parent: Scope | null,
    readonly kind: "module" | "function" | "block",
  ) {}

  nearestFunction(): Scope {
    let scope: Scope = this;
    while (scope.kind === "block" && scope.parent) scope = scope.parent;
    return scope;
  }

  lookup(name: string): Binding | undefined {
    for (let scope: Scope | null = this; scope; scope = scope.parent) {
      const binding = scope.bindings.get(name);
      if (binding) return binding;
    }
    return undefined;
  }
}

const ALLOWED = new Set(ALLOWED_MODULES);
const ALLOWED_TEXT = formatList(ALLOWED_MODULES);
const BLOCKED_MODULES = new Map(POLICY.blockedModules.entries.map((e) => [e.name, e]));
const BLOCKED_GLOBALS = new Map(POLICY.blockedGlobals.entries.map((e) => [e.name, e]));
const BLOCKED_OBJECT_KEYS = new Map(POLICY.blockedObjectKeys.entries.map((e) => [e.name, e]));
const BLOCKED_MEMBERS = new Map<string, (typeof POLICY.blockedMembers.entries)[number][]>();
for (const entry of POLICY.blockedMembers.entries) {
  const list = BLOCKED_MEMBERS.get(entry.name) ?? [];
  list.push(entry);
  BLOCKED_MEMBERS.set(entry.name, list);
}
const BLOCKED_SYNTAX = new Map(POLICY.blockedSyntax.map((e) => [e.syntax, e]));

// Keys that never hold runtime code: positions, parser extras, comments, and TypeScript types
// (erased before a rule runs, so nothing in them can execute).
const SKIPPED_KEYS = new Set([
  "loc",
  "start",
  "end",
  "range",
  "extra",
  "leadingComments",
  "trailingComments",
  "innerComments",
  "comments",
  "errors",
  "tokens",
  "typeAnnotation",
  "returnType",
  "typeParameters",
  "typeArguments",
  "superTypeParameters",
  "superTypeArguments",
  "implements",
  "predicate",
]);

// TypeScript nodes that carry runtime code; every other TS* node is type-only and skipped whole.
const RUNTIME_TS_NODES = new Set([
  "TSAsExpression",
  "TSSatisfiesExpression",
  "TSNonNullExpression",
  "TSTypeAssertion",
  "TSInstantiationExpression",
  "TSParameterProperty",
  "TSEnumDeclaration",
  "TSEnumBody",
  "TSEnumMember",
  "TSModuleDeclaration",
  "TSModuleBlock",
  "TSExportAssignment",
  "TSImportEqualsDeclaration",
  "TSExternalModuleReference",
]);

const FUNCTION_NODES = new Set([
  "FunctionDeclaration",
  "FunctionExpression",
  "ArrowFunctionExpression",
  "ObjectMethod",
  "ClassMethod",
  "ClassPrivateMethod",
]);

// Parser errors that a policy diagnostic already explains better.
const SUBSUMED_PARSER_ERRORS = new Set(["StrictWith"]);

// Beyond this, static string folding and alias chasing give up (the runtime still holds).
const MAX_FOLD_DEPTH = 64;

function isNode(value: unknown): value is Node {
  return typeof value === "object" && value !== null && typeof (value as { type?: unknown }).type === "string";
}

function formatList(items: readonly string[]): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}

function fillTemplate(message: string, name: string): string {
  return message.replaceAll("{allowed}", ALLOWED_TEXT).replaceAll("{name}", name);
}

/** UTF-8 byte length of `text`, counting no further than `limit + 1`. */
function utf8LengthUpTo(text: string, limit: number): number {
  let bytes = 0;
  for (let i = 0; i < text.length && bytes <= limit; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}

interface Range {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

/** A range of at least one character, so Monaco always draws something. */
function normalizeRange(range: Range): Range {
  const line = Math.max(1, Math.trunc(range.line) || 1);
  const column = Math.max(1, Math.trunc(range.column) || 1);
  let endLine = Math.max(line, Math.trunc(range.endLine) || line);
  let endColumn = Math.trunc(range.endColumn) || column + 1;
  if (endLine === line && endColumn <= column) endColumn = column + 1;
  if (endLine < line) endLine = line;
  return { line, column, endLine, endColumn };
}

function firstLineRange(source: string): Range {
  const match = /[\r\n\u2028\u2029]/.exec(source);
  const length = match ? match.index : source.length;
  return { line: 1, column: 1, endLine: 1, endColumn: Math.max(2, length + 1) };
}

class Analysis {
  readonly diagnostics: Diagnostic[] = [];
  private readonly bindingIds = new Set<Node>();
  private readonly globalRefs: { name: string; node: Node; scope: Scope }[] = [];
  readonly root = new Scope(null, "module");

  constructor(private readonly source: string) {}

  report(code: string, severity: Severity, message: string, range: Range): void {
    this.diagnostics.push({ code, severity, message, ...normalizeRange(range) });
  }

  reportCheck(check: Check, name: string, range: Range): void {
    this.report(check.code, check.severity, fillTemplate(check.message, name), range);
  }

  reportSyntax(kind: SyntaxKind, node: Node, wholeNode = false): void {
    const entry = BLOCKED_SYNTAX.get(kind);
    if (!entry) return;
    this.report(entry.code, entry.severity, fillTemplate(entry.message, kind), wholeNode ? this.rangeOf(node) : this.headRangeOf(node));
  }

  rangeOf(node: Node): Range {
    const loc = node.loc;
    if (!loc) return { line: 1, column: 1, endLine: 1, endColumn: 2 };
    return { line: loc.start.line, column: loc.start.column + 1, endLine: loc.end.line, endColumn: loc.end.column + 1 };
  }

  /** The node's range cut at the end of its first line: a squiggle under a whole class is noise. */
  headRangeOf(node: Node): Range {
    const range = this.rangeOf(node);
    if (range.endLine === range.line || typeof node.start !== "number") return range;
    const rest = this.source.slice(node.start);
    const match = /[\r\n\u2028\u2029]/.exec(rest);
    const length = match ? match.index : rest.length;
    return { line: range.line, column: range.column, endLine: range.line, endColumn: range.column + Math.max(1, length) };
  }

  declare(scope: Scope, id: Node, binding: Binding): void {
    if (id.type === "Identifier" && typeof id.name === "string") scope.bindings.set(id.name, binding);
    this.bindingIds.add(id);
  }

  declarePattern(scope: Scope, pattern: unknown, kind: Binding["kind"], value?: Node | null): void {
    const stack: unknown[] = [pattern];
    while (stack.length > 0) {
      const node = stack.pop();
      if (!isNode(node)) continue;
      switch (node.type) {
        case "Identifier":
          this.declare(scope, node, { kind, value: node === pattern ? value : undefined });
          break;
        case "AssignmentPattern":
          stack.push(node.left);
          break;
        case "RestElement":
          stack.push(node.argument);
          break;
        case "ArrayPattern":
          if (Array.isArray(node.elements)) stack.push(...node.elements);
          break;
        case "ObjectPattern":
          if (Array.isArray(node.properties)) {
            for (const property of node.properties) {
              if (!isNode(property)) continue;
              stack.push(property.type === "RestElement" ? property.argument : property.value);
            }
          }
          break;
        case "TSParameterProperty":
          stack.push(node.parameter);
          break;
        default:
          break;
      }
    }
  }

  declareParams(scope: Scope, node: Node): void {
    if (!Array.isArray(node.params)) return;
    for (const param of node.params) this.declarePattern(scope, param, "param");
  }

  checkModule(sourceNode: unknown): void {
    if (!isNode(sourceNode) || typeof sourceNode.value !== "string") return;
    const specifier = sourceNode.value;
    if (ALLOWED.has(specifier)) return;
    const range = this.rangeOf(sourceNode);
    const bare = specifier.startsWith("node:") ? specifier.slice("node:".length) : specifier;
    const entry = BLOCKED_MODULES.get(bare);
    if (entry) {
      const message = entry.message ?? POLICY.checks.nodeBuiltinModule.message;
      this.report(POLICY.blockedModules.code, entry.severity ?? POLICY.blockedModules.severity, fillTemplate(message, specifier), range);
    } else if (specifier.startsWith("node:")) {
      this.reportCheck(POLICY.checks.nodeBuiltinModule, specifier, range);
    } else if (/^(\.{1,2}(\/|\\|$)|\/|\\|[a-zA-Z]:[\\/]|file:)/.test(specifier)) {
      this.reportCheck(POLICY.checks.relativeImport, specifier, range);
    } else {
      this.reportCheck(POLICY.checks.importNotAllowed, specifier, range);
    }
  }

  checkMember(node: Node): void {
    const property = node.property;
    if (!isNode(property)) return;
    const name = node.computed ? staticString(property) : property.type === "Identifier" ? (property.name as string) : null;
    if (name === null) return;
    const entries = BLOCKED_MEMBERS.get(name);
    if (!entries) return;
    const object = node.object;
    const objectName = isNode(object) && object.type === "Identifier" ? (object.name as string) : null;
    const entry = entries.find((e) => e.object === undefined || e.object === objectName);
    if (!entry) return;
    this.report(
      POLICY.blockedMembers.code,
      entry.severity ?? POLICY.blockedMembers.severity,
      fillTemplate(entry.message, name),
      this.rangeOf(property),
    );
  }

  checkPropertyKey(node: Node, parent: Node | null): void {
    const key = node.key;
    if (!isNode(key) || !parent) return;
    const name = propertyKeyName(key, node.computed === true);
    if (name === null) return;
    if (parent.type === "ObjectPattern") {
      // Destructuring reads the property: `const { constructor: F } = f` is `f.constructor`.
      const entry = BLOCKED_MEMBERS.get(name)?.find((e) => e.object === undefined);
      if (entry) {
        this.report(POLICY.blockedMembers.code, entry.severity ?? POLICY.blockedMembers.severity, fillTemplate(entry.message, name), this.rangeOf(key));
      }
    } else if (parent.type === "ObjectExpression") {
      const entry = BLOCKED_OBJECT_KEYS.get(name);
      if (entry) {
        this.report(POLICY.blockedObjectKeys.code, entry.severity ?? POLICY.blockedObjectKeys.severity, fillTemplate(entry.message, name), this.rangeOf(key));
      }
    }
  }

  /** Applies the policy to one node; returns the scope for its children, or null to skip them. */
  visit(node: Node, parent: Node | null, key: string, scope: Scope): Scope | null {
    const type = node.type;
    if (type.startsWith("TS") && !RUNTIME_TS_NODES.has(type)) return null;
    if (node.declare === true) return null;

    switch (type) {
      case "Identifier": {
        if (this.bindingIds.has(node) || !isReference(parent, key)) return null;
        const name = node.name;
        if (typeof name === "string" && BLOCKED_GLOBALS.has(name)) this.globalRefs.push({ name, node, scope });
        return null;
      }
      case "MemberExpression":
      case "OptionalMemberExpression":
        this.checkMember(node);
        return scope;
      case "ObjectProperty":
      case "ObjectMethod": {
        this.checkPropertyKey(node, parent);
        if (type === "ObjectMethod") {
          const inner = new Scope(scope, "function");
          this.declareParams(inner, node);
          return inner;
        }
        return scope;
      }
      case "ImportDeclaration": {
        this.checkModule(node.source);
        // Type-only imports bind no value, so they cannot shadow a global.
        if (node.importKind !== "type" && Array.isArray(node.specifiers)) {
          for (const specifier of node.specifiers) {
            if (isNode(specifier) && specifier.importKind !== "type" && isNode(specifier.local)) {
              this.declare(this.root, specifier.local, { kind: "import" });
            }
          }
        }
        return null;
      }
      case "ExportAllDeclaration":
        this.reportSyntax("export-all", node);
        this.checkModule(node.source);
        return null;
      case "ExportNamedDeclaration":
        if (node.source) {
          this.reportSyntax("re-export", node);
          this.checkModule(node.source);
          return null;
        }
        return node.exportKind === "type" ? null : scope;
      case "VariableDeclaration": {
        const kind = node.kind === "var" ? "var" : node.kind === "let" ? "let" : "const";
        const target = kind === "var" ? scope.nearestFunction() : scope;
        if (typeof node.kind === "string" && node.kind.startsWith("await") && scope.nearestFunction() === this.root) {
          this.reportSyntax("top-level-await", node);
        }
        if (Array.isArray(node.declarations)) {
          for (const declarator of node.declarations) {
            if (isNode(declarator)) this.declarePattern(target, declarator.id, kind, isNode(declarator.init) ? declarator.init : null);
          }
        }
        return scope;
      }
      case "FunctionDeclaration": {
        if (isNode(node.id)) this.declare(scope, node.id, { kind: "function", value: node });
        const inner = new Scope(scope, "function");
        this.declareParams(inner, node);
        return inner;
      }
      case "FunctionExpression":
      case "ArrowFunctionExpression":
      case "ClassMethod":
      case "ClassPrivateMethod": {
        const inner = new Scope(scope, "function");
        if (type === "FunctionExpression" && isNode(node.id)) this.declare(inner, node.id, { kind: "function", value: node });
        this.declareParams(inner, node);
        return inner;
      }
      case "ClassDeclaration":
      case "ClassExpression": {
        const inner = new Scope(scope, "block");
        if (isNode(node.id)) {
          if (type === "ClassDeclaration") this.declare(scope, node.id, { kind: "class", value: node });
          this.declare(inner, node.id, { kind: "class", value: node });
        }
        return inner;
      }
      case "CatchClause": {
        const inner = new Scope(scope, "block");
        this.declarePattern(inner, node.param, "let");
        return inner;
      }
      case "BlockStatement":
        // A function's body is its own var scope, apart from the parameters: in
        // `function g(a = () => globalThis) { var globalThis; }` the default still reads the global.
        if (key === "body" && parent && FUNCTION_NODES.has(parent.type)) return new Scope(scope, "function");
        return new Scope(scope, "block");
      case "ForStatement":
      case "ForInStatement":
      case "SwitchStatement":
        return new Scope(scope, "block");
      case "ForOfStatement":
        if (node.await === true && scope.nearestFunction() === this.root) this.reportSyntax("top-level-await", node);
        return new Scope(scope, "block");
      case "StaticBlock":
      case "TSModuleBlock":
        return new Scope(scope, "function");
      case "AwaitExpression":
        if (scope.nearestFunction() === this.root) this.reportSyntax("top-level-await", node, true);
        return scope;
      case "WithStatement":
        this.reportSyntax("with", node);
        return scope;
      case "Import":
        this.reportSyntax("dynamic-import", parent && parent.type === "CallExpression" ? parent : node);
        return null;
      case "ImportExpression":
        this.reportSyntax("dynamic-import", node);
        return scope;
      case "MetaProperty": {
        const meta = node.meta;
        if (isNode(meta) && meta.name === "import") this.reportSyntax("import-meta", node, true);
        return null;
      }
      case "DebuggerStatement":
        this.reportSyntax("debugger", node, true);
        return null;
      case "TSImportEqualsDeclaration": {
        this.reportSyntax("import-equals", node);
        const reference = node.moduleReference;
        if (isNode(reference) && reference.type === "TSExternalModuleReference") this.checkModule(reference.expression);
        if (isNode(node.id) && node.importKind !== "type") this.declare(this.root, node.id, { kind: "import" });
        return null;
      }
      case "TSExportAssignment":
        this.reportSyntax("export-assignment", node);
        return scope;
      case "TSEnumDeclaration":
        this.reportSyntax("ts-enum", node);
        if (isNode(node.id)) this.declare(scope, node.id, { kind: "other" });
        return scope;
      case "TSEnumMember":
        if (isNode(node.id)) this.bindingIds.add(node.id);
        return scope;
      case "TSModuleDeclaration": {
        if (node.kind === "global" || !isInstantiatedNamespace(node, 0)) return null;
        this.reportSyntax("ts-namespace", node);
        if (isNode(node.id)) this.declare(scope, node.id, { kind: "other" });
        return scope;
      }
      case "TSParameterProperty":
        this.reportSyntax("ts-parameter-property", node, true);
        return scope;
      case "TSTypeAssertion":
        this.reportSyntax("ts-angle-assertion", node, true);
        return scope;
      default:
        return scope;
    }
  }

  walk(program: Node): void {
    const stack: { node: Node; parent: Node | null; key: string; scope: Scope }[] = [
      { node: program, parent: null, key: "program", scope: this.root },
    ];
    while (stack.length > 0) {
      const { node, parent, key, scope } = stack.pop()!;
      const inner = this.visit(node, parent, key, scope);
      if (inner === null) continue;
      const keys = Object.keys(node);
      for (let k = keys.length - 1; k >= 0; k--) {
        const childKey = keys[k]!;
        if (SKIPPED_KEYS.has(childKey)) continue;
        // A method's computed key and a class's heritage are evaluated outside the new scope.
        const childScope =
          (childKey === "key" && FUNCTION_NODES.has(node.type)) || childKey === "superClass" || childKey === "decorators" ? scope : inner;
        const value = node[childKey];
        if (Array.isArray(value)) {
          for (let i = value.length - 1; i >= 0; i--) {
            const child: unknown = value[i];
            if (isNode(child)) stack.push({ node: child, parent: node, key: childKey, scope: childScope });
          }
        } else if (isNode(value)) {
          stack.push({ node: value, parent: node, key: childKey, scope: childScope });
        }
      }
    }
    for (const ref of this.globalRefs) {
      if (ref.scope.lookup(ref.name)) continue;
      const entry = BLOCKED_GLOBALS.get(ref.name)!;
      this.report(POLICY.blockedGlobals.code, entry.severity ?? POLICY.blockedGlobals.severity, fillTemplate(entry.message, ref.name), this.rangeOf(ref.node));
    }
  }

  checkDefaultExport(program: Node): void {
    const body = Array.isArray(program.body) ? program.body : [];
    let found = false;
    for (const statement of body) {
      if (!isNode(statement)) continue;
      if (statement.type === "ExportDefaultDeclaration" && isNode(statement.declaration)) {
        found = true;
        this.checkDefaultValue(statement.declaration, statement.declaration);
      } else if (statement.type === "ExportNamedDeclaration" && !statement.source && statement.exportKind !== "type") {
        for (const specifier of Array.isArray(statement.specifiers) ? statement.specifiers : []) {
          if (!isNode(specifier) || !isNode(specifier.exported) || !isNode(specifier.local)) continue;
          if (propertyKeyName(specifier.exported, false) !== "default") continue;
          found = true;
          this.checkDefaultValue(specifier.local, specifier.local);
        }
      }
    }
    if (!found) this.reportCheck(POLICY.checks.missingDefaultExport, "", firstLineRange(this.source));
  }

  private checkDefaultValue(value: Node, at: Node): void {
    const what = describeNonFunction(value, this.root, 0);
    if (what !== null) this.reportCheck(POLICY.checks.defaultExportNotFunction, what, this.headRangeOf(at));
  }
}

/** Whether an Identifier in this position reads a variable (as opposed to naming a property, label, …). */
function isReference(parent: Node | null, key: string): boolean {
  if (!parent) return true;
  switch (parent.type) {
    case "MemberExpression":
    case "OptionalMemberExpression":
      return key !== "property" || parent.computed === true;
    case "ObjectProperty":
    case "ObjectMethod":
    case "ClassMethod":
    case "ClassPrivateMethod":
    case "ClassProperty":
    case "ClassPrivateProperty":
    case "ClassAccessorProperty":
      return key !== "key" || parent.computed === true;
    case "LabeledStatement":
    case "BreakStatement":
    case "ContinueStatement":
      return key !== "label";
    case "ExportSpecifier":
      return key === "local";
    case "ImportSpecifier":
    case "ImportDefaultSpecifier":
    case "ImportNamespaceSpecifier":
    case "ExportNamespaceSpecifier":
    case "ExportDefaultSpecifier":
    case "MetaProperty":
    case "PrivateName":
      return false;
    case "TSEnumMember":
    case "TSEnumDeclaration":
    case "TSModuleDeclaration":
    case "TSImportEqualsDeclaration":
      return key !== "id";
    default:
      return true;
  }
}

/** The value of an expression built only from string literals (`"con" + `structor``), else null. */
function staticString(node: Node, depth = 0): string | null {
  if (depth > MAX_FOLD_DEPTH) return null;
  switch (node.type) {
    case "StringLiteral":
      return typeof node.value === "string" ? node.value : null;
    case "TemplateLiteral": {
      const quasis = node.quasis;
      const expressions = node.expressions;
      if (!Array.isArray(quasis) || !Array.isArray(expressions)) return null;
      let text = "";
      for (let i = 0; i < quasis.length; i++) {
        const quasi = quasis[i] as { value?: { cooked?: string | null } } | undefined;
        const cooked = quasi?.value?.cooked;
        if (typeof cooked !== "string") return null;
        text += cooked;
        if (i < expressions.length) {
          const expression: unknown = expressions[i];
          const part = isNode(expression) ? staticString(expression, depth + 1) : null;
          if (part === null) return null;
          text += part;
        }
      }
      return text;
    }
    case "BinaryExpression": {
      if (node.operator !== "+" || !isNode(node.left) || !isNode(node.right)) return null;
      const left = staticString(node.left, depth + 1);
      if (left === null) return null;
      const right = staticString(node.right, depth + 1);
      return right === null ? null : left + right;
    }
    case "TSAsExpression":
    case "TSSatisfiesExpression":
    case "TSNonNullExpression":
    case "ParenthesizedExpression":
      return isNode(node.expression) ? staticString(node.expression, depth + 1) : null;
    default:
      return null;
  }
}

function propertyKeyName(key: Node, computed: boolean): string | null {
  if (computed) return staticString(key);
  if (key.type === "Identifier") return typeof key.name === "string" ? key.name : null;
  if (key.type === "StringLiteral") return typeof key.value === "string" ? key.value : null;
  return null;
}

const TYPE_ONLY_STATEMENTS = new Set(["TSInterfaceDeclaration", "TSTypeAliasDeclaration", "TSDeclareFunction", "EmptyStatement"]);

/** Whether a `namespace` emits JavaScript (anything beyond types), as ts-blank-space judges it. */
function isInstantiatedNamespace(node: Node, depth: number): boolean {
  if (depth > MAX_FOLD_DEPTH) return true;
  const body = node.body;
  if (!isNode(body)) return false;
  if (body.type === "TSModuleDeclaration") return body.declare !== true && isInstantiatedNamespace(body, depth + 1);
  const statements = Array.isArray(body.body) ? body.body : [];
  return statements.some((statement: unknown) => {
    if (!isNode(statement) || statement.declare === true || TYPE_ONLY_STATEMENTS.has(statement.type)) return false;
    if (statement.type === "ExportNamedDeclaration") {
      if (statement.exportKind === "type") return false;
      const declaration = statement.declaration;
      if (isNode(declaration)) {
        if (declaration.declare === true || TYPE_ONLY_STATEMENTS.has(declaration.type)) return false;
        if (declaration.type === "TSModuleDeclaration") return isInstantiatedNamespace(declaration, depth + 1);
      }
      return true;
    }
    if (statement.type === "TSModuleDeclaration") return isInstantiatedNamespace(statement, depth + 1);
    return true;
  });
}

/** Null when `node` is (or may be) a function; otherwise what it is, for the message. */
function describeNonFunction(node: Node, root: Scope, depth: number): string | null {
  if (depth > MAX_FOLD_DEPTH) return null;
  switch (node.type) {
    case "FunctionDeclaration":
    case "FunctionExpression":
    case "ArrowFunctionExpression":
      return node.generator === true ? "a generator function (its result would be an iterator, not JSON)" : null;
    case "TSDeclareFunction":
      return null;
    case "ClassDeclaration":
    case "ClassExpression":
      return "a class (export a function that uses it instead)";
    case "TSInterfaceDeclaration":
      return "an interface, which is a type and disappears at run time";
    case "StringLiteral":
    case "TemplateLiteral":
      return "a string";
    case "NumericLiteral":
      return "a number";
    case "BigIntLiteral":
      return "a bigint";
    case "BooleanLiteral":
      return "a boolean";
    case "NullLiteral":
      return "null";
    case "RegExpLiteral":
      return "a regular expression";
    case "ObjectExpression":
      return "an object";
    case "ArrayExpression":
      return "an array";
    case "TSAsExpression":
    case "TSSatisfiesExpression":
    case "TSNonNullExpression":
    case "TSTypeAssertion":
    case "ParenthesizedExpression":
      return isNode(node.expression) ? describeNonFunction(node.expression, root, depth + 1) : null;
    case "Identifier": {
      if (node.name === "undefined" && !root.bindings.has("undefined")) return "undefined";
      const binding = typeof node.name === "string" ? root.bindings.get(node.name) : undefined;
      if (!binding || !binding.value) return null;
      return describeNonFunction(binding.value, root, depth + 1);
    }
    default:
      return null;
  }
}

interface ParserError {
  message?: unknown;
  reasonCode?: unknown;
  loc?: { line?: unknown; column?: unknown } | null;
}

function syntaxDiagnostic(error: ParserError): Diagnostic | null {
  const loc = error.loc;
  if (!loc || typeof loc.line !== "number" || typeof loc.column !== "number") return null;
  const text = typeof error.message === "string" ? error.message : "invalid syntax";
  const reason = text.replace(/\s*\(\d+:\d+\)\s*$/, "").replace(/\.$/, "");
  const check = POLICY.checks.syntaxError;
  return {
    code: check.code,
    severity: check.severity,
    message: fillTemplate(check.message, reason),
    ...normalizeRange({ line: loc.line, column: loc.column + 1, endLine: loc.line, endColumn: loc.column + 2 }),
  };
}

function isStackOverflow(error: unknown): boolean {
  if (error instanceof RangeError) return /call stack|recursion/i.test(error.message);
  // Firefox reports runaway recursion as InternalError.
  return error instanceof Error && error.name === "InternalError" && /recursion/i.test(error.message);
}

function checkDiagnostic(check: Check, name: string, range: Range): Diagnostic {
  return { code: check.code, severity: check.severity, message: fillTemplate(check.message, name), ...normalizeRange(range) };
}

function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  return a.line - b.line || a.column - b.column || a.code.localeCompare(b.code);
}

function analyzeUnchecked(source: string, language: Language): Diagnostic[] {
  if (utf8LengthUpTo(source, MAX_SOURCE_BYTES) > MAX_SOURCE_BYTES) {
    return [checkDiagnostic(POLICY.checks.sourceTooLarge, String(MAX_SOURCE_BYTES), firstLineRange(source))];
  }
  const plugins: ParserPlugin[] = language === "typescript" ? ["typescript"] : [];
  let file: { program: Node; errors?: ParserError[] };
  try {
    file = parse(source, { sourceType: "module", errorRecovery: true, attachComment: false, plugins }) as unknown as typeof file;
  } catch (error) {
    if (isStackOverflow(error)) return [checkDiagnostic(POLICY.checks.tooDeeplyNested, "", firstLineRange(source))];
    const diagnostic = syntaxDiagnostic(error as ParserError);
    if (diagnostic) return [diagnostic];
    throw error;
  }

  const analysis = new Analysis(source);
  const seen = new Set<string>();
  for (const error of file.errors ?? []) {
    if (typeof error.reasonCode === "string" && SUBSUMED_PARSER_ERRORS.has(error.reasonCode)) continue;
    const diagnostic = syntaxDiagnostic(error);
    if (!diagnostic) continue;
    const key = `${diagnostic.line}:${diagnostic.column}:${diagnostic.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    analysis.diagnostics.push(diagnostic);
  }
  analysis.walk(file.program);
  analysis.checkDefaultExport(file.program);
  return capDiagnostics(analysis.diagnostics);
}

/** Most diagnostics listed for one source; a source of 30,000 `process;` lines gets 100 and a summary. */
export const MAX_DIAGNOSTICS = 100;

// Errors are kept before warnings, so a cut list still blocks whenever the full one would.
function capDiagnostics(diagnostics: Diagnostic[]): Diagnostic[] {
  if (diagnostics.length <= MAX_DIAGNOSTICS) return diagnostics.sort(compareDiagnostics);
  const bySeverity = [...diagnostics].sort((a, b) => (a.severity === b.severity ? compareDiagnostics(a, b) : a.severity === "error" ? -1 : 1));
  const kept = bySeverity.slice(0, MAX_DIAGNOSTICS).sort(compareDiagnostics);
  const last = kept[kept.length - 1]!;
  const summary = checkDiagnostic(POLICY.checks.tooManyProblems, String(diagnostics.length - MAX_DIAGNOSTICS), {
    line: last.line,
    column: last.column,
    endLine: last.endLine,
    endColumn: last.endColumn,
  });
  return [...kept, summary];
}

/** The diagnostic for a source whose check did not finish within `timeoutMs` (blocks: fail closed). */
export function analysisTimeoutDiagnostic(timeoutMs: number): Diagnostic {
  return checkDiagnostic(POLICY.checks.analysisTimeout, String(timeoutMs), { line: 1, column: 1, endLine: 1, endColumn: 2 });
}

/**
 * Applies the policy to a rule's source. Never throws: syntax errors are RB001 diagnostics, and any
 * internal failure is an RB000 error (fail closed), so a caller can block on `hasBlockingDiagnostics`.
 * Lines and columns are 1-based, end exclusive (Monaco's convention).
 */
export function analyzeSource(source: string, language: Language): Diagnostic[] {
  if (language === "python") return analyzePython(source);
  try {
    if (typeof source !== "string") throw new TypeError("source must be a string");
    return analyzeUnchecked(source, language === "typescript" ? "typescript" : "javascript");
  } catch (error) {
    if (isStackOverflow(error)) {
      return [checkDiagnostic(POLICY.checks.tooDeeplyNested, "", { line: 1, column: 1, endLine: 1, endColumn: 2 })];
    }
    return [checkDiagnostic(POLICY.checks.analyzerFailure, "", { line: 1, column: 1, endLine: 1, endColumn: 2 })];
  }
}

/** Whether any diagnostic blocks a run (severity "error"). */
export function hasBlockingDiagnostics(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === "error");
}

/** One line per diagnostic, e.g. `3:7 error RB201 \`process\` is not available…`. */
export function formatDiagnostic(d: Diagnostic): string {
  return `${d.line}:${d.column} ${d.severity} ${d.code} ${d.message}`;
}
