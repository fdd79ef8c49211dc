// Typed client for the Rulebox HTTP API. Every response is validated with zod; every non-2xx answer
// becomes an ApiError carrying the server's envelope so the UI can show code, message and details.
// A 401 means the session ended (signed out elsewhere, expired, password changed, user disabled):
// the browser goes to sign in and comes back here afterwards.
import { z } from "zod";
import { signInHref } from "@/components/auth/next-path";
import type { Language, LimitsInput, Outcome } from "@/server/contracts/run";
import {
  apiKeySchema,
  auditEventSchema,
  deploymentSchema,
  errorEnvelopeSchema,
  limitCapsSchema,
  replaySummarySchema,
  ruleDetailSchema,
  ruleSummarySchema,
  runDetailSchema,
  runReplaySchema,
  runResponseSchema,
  runSummarySchema,
  testCaseSchema,
  userSchema,
  versionSchema,
  versionSummarySchema,
  type User,
} from "@/server/contracts/api";

// The response shapes live in server/contracts/api.ts (the OpenAPI document is built from them too).
export type {
  ApiKey,
  AuditEvent,
  Deployment,
  LimitCaps,
  ReplaySummary,
  RuleDetail,
  RuleSummary,
  RunDetail,
  RunReplay,
  RunResponse,
  RunSummary,
  TestCase,
  User,
  Version,
  VersionSummary,
} from "@/server/contracts/api";

export interface AuditQuery {
  actor?: string;
  ruleId?: string;
  action?: string;
  /** ISO date-times */
  since?: string;
  until?: string;
  cursor?: string | null;
  limit?: number;
}

/** A failed API call: the server's error envelope, or a network/shape failure described the same way. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "ApiError";
  }

  /** Human-readable lines for the details (zod issues carry a path and a message). */
  detailLines(): string[] {
    if (!Array.isArray(this.details)) return [];
    return this.details.map((d) => {
      if (d && typeof d === "object" && "message" in d) {
        const path = "path" in d && Array.isArray(d.path) && d.path.length > 0 ? `${d.path.join(".")}: ` : "";
        return `${path}${String(d.message)}`;
      }
      return JSON.stringify(d);
    });
  }
}

export function describeError(err: unknown): { title: string; lines: string[] } {
  if (err instanceof ApiError) return { title: `${err.message} (${err.code}${err.status ? `, HTTP ${err.status}` : ""})`, lines: err.detailLines() };
  if (err instanceof Error) return { title: err.message, lines: [] };
  return { title: String(err), lines: [] };
}

/** Sends the browser to sign in, returning to the page it is on. */
function goToSignIn(): void {
  if (typeof window === "undefined") return;
  window.location.assign(signInHref(window.location.pathname + window.location.search));
}

interface CallOptions {
  method?: string;
  body?: unknown;
  signal?: AbortSignal;
  /** false: a 401 is this call's own answer (a wrong password), not an ended session. */
  signInOnUnauthorized?: boolean;
}

async function request<T>(schema: z.ZodType<T>, url: string, init?: CallOptions): Promise<T> {
  const method = init?.method ?? "GET";
  // The server refuses a POST that is not JSON (its CSRF defence), so a POST always has a JSON body.
  const body = init?.body === undefined && method === "POST" ? {} : init?.body;
  let res: Response;
  try {
    res = await fetch(url, {
      method,
      headers: body === undefined ? undefined : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: init?.signal,
      cache: "no-store",
    });
  } catch (err) {
    if (err instanceof DOMException && err.name === "AbortError") throw err;
    throw new ApiError(0, "network_error", `Could not reach the server (${err instanceof Error ? err.message : String(err)})`);
  }
  const text = await res.text();
  let json: unknown = undefined;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    throw new ApiError(res.status, "bad_response", `The server answered HTTP ${res.status} with a body that is not JSON`);
  }
  if (!res.ok) {
    if (res.status === 401 && init?.signInOnUnauthorized !== false) goToSignIn();
    const envelope = errorEnvelopeSchema.safeParse(json);
    if (envelope.success) throw new ApiError(res.status, envelope.data.error.code, envelope.data.error.message, envelope.data.error.details);
    throw new ApiError(res.status, "http_error", `The server answered HTTP ${res.status}`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    throw new ApiError(res.status, "bad_response", `Unexpected response from ${url}`, parsed.error.issues);
  }
  return parsed.data;
}

const enc = encodeURIComponent;

export const api = {
  listRules: (q: string, includeArchived: boolean, signal?: AbortSignal) =>
    request(z.object({ rules: z.array(ruleSummarySchema) }), `/api/rules?q=${enc(q)}${includeArchived ? "&includeArchived=1" : ""}`, { signal }),
  createRule: (body: { name: string; language: Language; description?: string; source?: string; message?: string; sampleInput?: unknown }) =>
    request(z.object({ rule: z.object({ id: z.string() }).passthrough() }), "/api/rules", { method: "POST", body }),
  updateRule: (id: string, body: { name?: string; description?: string; limits?: LimitsInput }) =>
    request(z.object({ rule: ruleDetailSchema.partial().extend({ id: z.string() }) }), `/api/rules/${enc(id)}`, { method: "PATCH", body }),
  archiveRule: (id: string) => request(z.object({ rule: z.object({ id: z.string() }).passthrough() }), `/api/rules/${enc(id)}`, { method: "DELETE" }),
  restoreRule: (id: string) => request(z.object({ rule: z.object({ id: z.string() }).passthrough() }), `/api/rules/${enc(id)}/restore`, { method: "POST", body: {} }),
  getRule: (id: string) => request(z.object({ rule: ruleDetailSchema }), `/api/rules/${enc(id)}`),
  listVersions: (id: string) => request(z.object({ versions: z.array(versionSummarySchema) }), `/api/rules/${enc(id)}/versions`),
  getVersion: (id: string, n: number) => request(z.object({ version: versionSchema }), `/api/rules/${enc(id)}/versions/${n}`),
  saveVersion: (id: string, body: { source: string; language: Language; message: string; limits?: LimitsInput }) =>
    request(z.object({ version: versionSummarySchema }), `/api/rules/${enc(id)}/versions`, { method: "POST", body }),
  listDeployments: (id: string) =>
    request(z.object({ publishedVersion: z.number().nullable(), deployments: z.array(deploymentSchema) }), `/api/rules/${enc(id)}/deployments`),
  publish: (id: string, body: { version: number; message: string }) =>
    request(z.object({ deployment: deploymentSchema }), `/api/rules/${enc(id)}/publish`, { method: "POST", body }),
  replay: (id: string, body: { candidate: { version: number } | { source: string; language: Language }; last?: number; changesLimit?: number }) =>
    request(replaySummarySchema, `/api/rules/${enc(id)}/replay`, { method: "POST", body }),
  listTestCases: (id: string) => request(z.object({ testCases: z.array(testCaseSchema) }), `/api/rules/${enc(id)}/test-cases`),
  createTestCase: (id: string, body: { name: string; input: unknown; expectedOutput?: unknown }) =>
    request(z.object({ testCase: testCaseSchema }), `/api/rules/${enc(id)}/test-cases`, { method: "POST", body }),
  updateTestCase: (id: string, caseId: string, body: { name?: string; input?: unknown; expectedOutput?: unknown; clearExpectedOutput?: true }) =>
    request(z.object({ testCase: testCaseSchema }), `/api/rules/${enc(id)}/test-cases/${enc(caseId)}`, { method: "PATCH", body }),
  deleteTestCase: (id: string, caseId: string) => request(z.unknown(), `/api/rules/${enc(id)}/test-cases/${enc(caseId)}`, { method: "DELETE" }),
  listRuns: (id: string, opts: { outcome?: Outcome; cursor?: string | null; limit?: number }) => {
    const params = new URLSearchParams();
    if (opts.outcome) params.set("outcome", opts.outcome);
    if (opts.cursor) params.set("cursor", opts.cursor);
    params.set("limit", String(opts.limit ?? 20));
    return request(z.object({ runs: z.array(runSummarySchema), nextCursor: z.string().nullable() }), `/api/rules/${enc(id)}/runs?${params}`);
  },
  getRun: (runId: string) => request(z.object({ run: runDetailSchema }), `/api/runs/${enc(runId)}`),
  replayRun: (runId: string) => request(runReplaySchema, `/api/runs/${enc(runId)}/replay`, { method: "POST", body: {} }),
  run: (body: { source: string; language: Language; input: unknown; ruleId?: string; version?: number; limits?: LimitsInput }, signal?: AbortSignal) =>
    request(runResponseSchema, "/api/run", { method: "POST", body, signal }),
  limits: () => request(limitCapsSchema, "/api/limits"),
  listApiKeys: () => request(z.object({ keys: z.array(apiKeySchema) }), "/api/keys"),
  /** `ruleIds` null: the key may execute every rule. */
  createApiKey: (name: string, ruleIds: string[] | null = null) =>
    request(z.object({ key: apiKeySchema, secret: z.string() }), "/api/keys", { method: "POST", body: ruleIds === null ? { name } : { name, ruleIds } }),
  revokeApiKey: (id: string) => request(z.object({ key: apiKeySchema }), `/api/keys/${enc(id)}`, { method: "DELETE" }),

  setupNeeded: () => request(z.object({ needed: z.boolean() }), "/api/auth/setup"),
  setup: (body: { email: string; name?: string; password: string }) =>
    request(z.object({ user: userSchema }), "/api/auth/setup", { method: "POST", body, signInOnUnauthorized: false }),
  signIn: (body: { email: string; password: string }) =>
    request(z.object({ user: userSchema.pick({ id: true, email: true, name: true, role: true }) }).passthrough(), "/api/auth/sign-in", {
      method: "POST",
      body,
      signInOnUnauthorized: false,
    }),
  signOut: () => request(z.object({ signedOut: z.boolean() }), "/api/auth/sign-out", { method: "POST", body: {}, signInOnUnauthorized: false }),
  me: () => request(z.object({ user: userSchema.pick({ id: true, email: true, name: true, role: true }) }), "/api/auth/me"),
  changePassword: (body: { currentPassword: string; newPassword: string }) => request(z.object({ changed: z.boolean() }), "/api/auth/password", { method: "POST", body }),
  listUsers: () => request(z.object({ users: z.array(userSchema) }), "/api/users"),
  createUser: (body: { email: string; name?: string; role: User["role"]; password: string }) => request(z.object({ user: userSchema }), "/api/users", { method: "POST", body }),
  updateUser: (id: string, body: { role?: User["role"]; name?: string; disabled?: boolean; password?: string }) =>
    request(z.object({ user: userSchema }), `/api/users/${enc(id)}`, { method: "PATCH", body }),
  listAudit: (q: AuditQuery) => {
    const params = new URLSearchParams();
    for (const key of ["actor", "ruleId", "action", "since", "until", "cursor"] as const) {
      const value = q[key];
      if (value) params.set(key, value);
    }
    params.set("limit", String(q.limit ?? 50));
    return request(z.object({ events: z.array(auditEventSchema), nextCursor: z.string().nullable() }), `/api/audit?${params}`);
  },
};
