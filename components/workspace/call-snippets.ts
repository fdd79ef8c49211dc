// "Call this rule": the snippets another system copies to run a rule (curl, JavaScript fetch, Python
// requests) for POST /api/rules/:id/execute and /execute/batch. Pure, so it is unit-tested; the key
// is read from RULEBOX_API_KEY in every snippet, so a secret is never pasted into code.
import { typeFromJson } from "@/components/editor/json-to-type";

export type CallEndpoint = "execute" | "batch";
export type SnippetLanguage = "curl" | "javascript" | "python";

export interface CallTarget {
  /** e.g. https://rules.example.com (window.location.origin) */
  baseUrl: string;
  ruleId: string;
  /** An example input (the selected test input, or the rule's sample). */
  input: unknown;
}

export const API_KEY_ENV = "RULEBOX_API_KEY";

export function callUrl(target: CallTarget, endpoint: CallEndpoint): string {
  return `${target.baseUrl}/api/rules/${encodeURIComponent(target.ruleId)}/${endpoint === "batch" ? "execute/batch" : "execute"}`;
}

/** The request body: one input, or a batch of it (a batch answers in input order). */
export function callBody(target: CallTarget, endpoint: CallEndpoint): Record<string, unknown> {
  return endpoint === "batch" ? { inputs: [target.input] } : { input: target.input };
}

/** A JSON value as a Python literal (JSON's string escapes are valid in Python strings). */
export function toPython(value: unknown, indent = ""): string {
  if (value === null || value === undefined) return "None";
  if (value === true) return "True";
  if (value === false) return "False";
  if (typeof value === "number") return Number.isFinite(value) ? JSON.stringify(value) : "None";
  if (typeof value === "string") return JSON.stringify(value);
  const next = `${indent}    `;
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]";
    return `[\n${value.map((v) => `${next}${toPython(v, next)},`).join("\n")}\n${indent}]`;
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) return "{}";
  return `{\n${entries.map(([k, v]) => `${next}${JSON.stringify(k)}: ${toPython(v, next)},`).join("\n")}\n${indent}}`;
}

function indentLines(text: string, prefix: string): string {
  return text.split("\n").join(`\n${prefix}`);
}

function curlSnippet(target: CallTarget, endpoint: CallEndpoint): string {
  // A quoted heredoc: the shell expands nothing in it, and no line of JSON text can be the bare word JSON.
  return [
    `curl -sS -X POST '${callUrl(target, endpoint).replace(/'/g, "'\\''")}' \\`,
    `  -H "Authorization: Bearer $${API_KEY_ENV}" \\`,
    `  -H 'Content-Type: application/json' \\`,
    `  --data-binary @- <<'JSON'`,
    JSON.stringify(callBody(target, endpoint), null, 2),
    "JSON",
  ].join("\n");
}

function javascriptSnippet(target: CallTarget, endpoint: CallEndpoint): string {
  const typeText = typeFromJson(target.input);
  const inputLines = [`/**`, ` * @typedef {${indentLines(typeText, " * ")}} RuleInput`, ` */`, `/** @type {RuleInput} */`, `const input = ${JSON.stringify(target.input, null, 2)};`];
  const body = endpoint === "batch" ? "{ inputs: [input] }" : "{ input }";
  const answer =
    endpoint === "batch"
      ? "// answer.results[i]: { outcome, output, logs, error?, durationMs, runId, version } or { refused } (retry those)"
      : "// answer: { outcome, output, logs, error?, durationMs, runId, version }; a rule's failure is an outcome, not an HTTP error";
  return [
    ...inputLines,
    "",
    `const res = await fetch(${JSON.stringify(callUrl(target, endpoint))}, {`,
    `  method: "POST",`,
    `  headers: { Authorization: \`Bearer \${process.env.${API_KEY_ENV}}\`, "Content-Type": "application/json" },`,
    `  body: JSON.stringify(${body}),`,
    `});`,
    `const answer = await res.json();`,
    `if (!res.ok) throw new Error(\`\${answer.error.code}: \${answer.error.message}\`);`,
    answer,
    endpoint === "batch" ? "console.log(answer.results.map((r) => r.outcome));" : "console.log(answer.outcome, answer.output);",
  ].join("\n");
}

function pythonSnippet(target: CallTarget, endpoint: CallEndpoint): string {
  const payload = endpoint === "batch" ? `{"inputs": [rule_input]}` : `{"input": rule_input}`;
  return [
    "import os",
    "",
    "import requests",
    "",
    `rule_input = ${toPython(target.input)}`,
    "",
    "res = requests.post(",
    `    ${JSON.stringify(callUrl(target, endpoint))},`,
    `    headers={"Authorization": f"Bearer {os.environ['${API_KEY_ENV}']}"},`,
    `    json=${payload},`,
    "    timeout=30,",
    ")",
    "answer = res.json()",
    "if not res.ok:",
    `    raise RuntimeError(f"{answer['error']['code']}: {answer['error']['message']}")`,
    endpoint === "batch" ? `print([r.get("outcome", r.get("refused")) for r in answer["results"]])` : `print(answer["outcome"], answer.get("output"))`,
  ].join("\n");
}

/** The snippet in one language for one endpoint. */
export function callSnippet(target: CallTarget, endpoint: CallEndpoint, language: SnippetLanguage): string {
  if (language === "curl") return curlSnippet(target, endpoint);
  return language === "javascript" ? javascriptSnippet(target, endpoint) : pythonSnippet(target, endpoint);
}
