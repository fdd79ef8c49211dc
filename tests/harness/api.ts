// Small HTTP helpers for integration tests: every call returns status and parsed JSON body.
import { inject } from "vitest";

/** What an API call answered. */
export interface ApiAnswer<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** The started app's base URL (from the global setup). */
export function baseUrl(): string {
  return inject("baseUrl");
}

/** The bootstrapped admin's session cookie (from the global setup). */
export function adminCookie(): string {
  return inject("adminCookie");
}

/**
 * Sends `body` (serialised as JSON unless it is already a string) and parses the JSON answer. Signed
 * in as the bootstrapped admin unless `headers.cookie` says otherwise ("" sends no cookie).
 */
export async function call<T = any>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiAnswer<T>> {
  const { cookie = adminCookie(), ...rest } = headers;
  const sent: Record<string, string> = { ...(body === undefined ? {} : { "content-type": "application/json" }), ...(cookie ? { cookie } : {}), ...rest };
  const res = await fetch(`${baseUrl()}${path}`, {
    method,
    headers: sent,
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    throw new Error(`${method} ${path} answered HTTP ${res.status} with non-JSON: ${text.slice(0, 300)}`);
  }
  return { status: res.status, body: parsed as T, headers: res.headers };
}

export const get = <T = any>(path: string) => call<T>("GET", path);
export const post = <T = any>(path: string, body?: unknown) => call<T>("POST", path, body ?? {});
export const patch = <T = any>(path: string, body: unknown) => call<T>("PATCH", path, body);
export const del = <T = any>(path: string) => call<T>("DELETE", path);

let counter = 0;
/** A rule name no other test uses. */
export function uniqueName(prefix = "itest"): string {
  counter += 1;
  return `${prefix} ${process.pid}-${Date.now().toString(36)}-${counter}`;
}

/**
 * Creates a rule and returns its id. Its version 1 is published (live for /execute) unless
 * `publish` is false: most tests are about running a rule, not about publishing it.
 */
export async function createRule(body: Record<string, unknown> = {}, { publish = true } = {}): Promise<string> {
  const res = await post<{ rule: { id: string } }>("/api/rules", { name: uniqueName(), ...body });
  if (res.status !== 201) throw new Error(`creating a rule answered ${res.status}: ${JSON.stringify(res.body)}`);
  if (publish) await publishRule(res.body.rule.id, 1);
  return res.body.rule.id;
}

/** Makes `version` the rule's live version. */
export async function publishRule(ruleId: string, version: number, message = ""): Promise<void> {
  const res = await post(`/api/rules/${ruleId}/publish`, { version, message });
  if (res.status !== 200) throw new Error(`publishing v${version} of ${ruleId} answered ${res.status}: ${JSON.stringify(res.body)}`);
}

/** Creates an API key and returns its id and secret (shown only in this answer). */
export async function createApiKey(name = uniqueName("key")): Promise<{ id: string; secret: string }> {
  const res = await post<{ key: { id: string }; secret: string }>("/api/keys", { name });
  if (res.status !== 201) throw new Error(`creating an API key answered ${res.status}: ${JSON.stringify(res.body)}`);
  return { id: res.body.key.id, secret: res.body.secret };
}

let sharedKey: Promise<string> | undefined;
/** One API key per test file, created on first use: for tests about execute itself, not about keys. */
export function testApiKey(): Promise<string> {
  return (sharedKey ??= createApiKey(uniqueName("itest key")).then((k) => k.secret));
}

/** POST /api/rules/:id/execute with a valid API key (the file's shared one unless `secret` is given). */
export async function execute<T = any>(ruleId: string, body: unknown, secret?: string): Promise<ApiAnswer<T>> {
  return call<T>("POST", `/api/rules/${ruleId}/execute`, body, { authorization: `Bearer ${secret ?? (await testApiKey())}` });
}

/** POST /api/rules/:id/execute/batch with a valid API key (the file's shared one unless `secret` is given). */
export async function executeBatch<T = any>(ruleId: string, body: unknown, secret?: string): Promise<ApiAnswer<T>> {
  return call<T>("POST", `/api/rules/${ruleId}/execute/batch`, body, { authorization: `Bearer ${secret ?? (await testApiKey())}` });
}
