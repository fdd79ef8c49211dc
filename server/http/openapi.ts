import "server-only";
// The OpenAPI 3.1 document of the HTTP API, served at GET /api/openapi.json and rendered at
// /api-docs. Schemas come from the zod contracts the routes and the browser client already use
// (requests: server/http/contracts.ts; responses: server/contracts/api.ts), converted by zod 4's own
// z.toJSONSchema: its default target, JSON Schema 2020-12, is what OpenAPI 3.1 schemas are, so no
// zod-to-OpenAPI library is needed. Requests are converted with io "input" (what a client sends:
// fields with a default are optional; a pipe is described by what it accepts), responses with io
// "input" too, so their objects stay open (a client ignores fields it does not know). A schema zod
// cannot represent throws here, and so fails the unit test, rather than documenting `{}`.
// server/http/openapi.test.ts fails when a route under app/api/ is missing here, or declares another
// access or other schemas than its entry.
import { z } from "zod";
import type { Role } from "@/server/auth/roles";
import {
  apiKeySchema,
  auditEventSchema,
  deploymentSchema,
  ERROR_CODES,
  errorEnvelopeSchema,
  executeAnswerSchema,
  executeBatchAnswerSchema,
  healthSchema,
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
  type ErrorCode,
} from "@/server/contracts/api";
import { diagnosticSchema } from "@/server/contracts/run";
import * as req from "./contracts";
import { executeBatchSpec, executeSpec } from "./execute-endpoints";
import { statusOf } from "./errors";
import type { Access } from "./handler";

export type HttpMethod = "GET" | "POST" | "PATCH" | "DELETE";

/** One operation of the API, declared with the same schema objects its route passes to defineRoute. */
export interface ApiOperation {
  method: HttpMethod;
  /** OpenAPI form: /api/rules/{id} */
  path: string;
  summary: string;
  tag: string;
  access: Access;
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
  /** The success answer: a named response schema, or plain text (metrics). */
  ok: { status: number; schema: z.ZodType | "text" };
  /** Error codes this route answers besides those every route of its kind can (see errorCodesOf). */
  errors?: ErrorCode[];
  /** More about the operation (markdown). */
  description?: string;
}

const responses = z.registry<{ id: string }>();
const requests = z.registry<{ id: string }>();

function response<T extends z.ZodType>(id: string, schema: T): T {
  responses.add(schema, { id });
  return schema;
}

function request<T extends z.ZodType>(id: string, schema: T): T {
  requests.add(schema, { id });
  return schema;
}

// Named response components: the shapes the client parses, and the wrappers the routes answer.
const ErrorEnvelope = response("ErrorEnvelope", errorEnvelopeSchema);
const RuleSummary = response("RuleSummary", ruleSummarySchema);
const RuleDetail = response("RuleDetail", ruleDetailSchema);
const Version = response("Version", versionSchema);
const VersionSummary = response("VersionSummary", versionSummarySchema);
const Deployment = response("Deployment", deploymentSchema);
const TestCase = response("TestCase", testCaseSchema);
const RunSummary = response("RunSummary", runSummarySchema);
const RunDetail = response("RunDetail", runDetailSchema);
const User = response("User", userSchema);
const ApiKey = response("ApiKey", apiKeySchema);
const AuditEvent = response("AuditEvent", auditEventSchema);
const Diagnostic = response("Diagnostic", diagnosticSchema);
const RunResponse = response("RunResponse", runResponseSchema);
const ExecuteAnswer = response("ExecuteAnswer", executeAnswerSchema);
const ExecuteBatchAnswer = response("ExecuteBatchAnswer", executeBatchAnswerSchema);
const ReplaySummary = response("ReplaySummary", replaySummarySchema);
const RunReplay = response("RunReplay", runReplaySchema);
const LimitCaps = response("LimitCaps", limitCapsSchema);
const Health = response("Health", healthSchema);

const RuleList = response("RuleList", z.object({ rules: z.array(RuleSummary) }));
const RuleAnswer = response("RuleAnswer", z.object({ rule: RuleDetail }));
/** Create, rename, archive and restore answer the rule row (its latest version is not always included). */
const RuleRowAnswer = response("RuleRowAnswer", z.object({ rule: RuleDetail.partial().extend({ id: z.string(), name: z.string() }) }));
const VersionList = response("VersionList", z.object({ versions: z.array(VersionSummary) }));
const VersionAnswer = response("VersionAnswer", z.object({ version: Version }));
const SavedVersionAnswer = response("SavedVersionAnswer", z.object({ version: VersionSummary }));
const DeploymentList = response("DeploymentList", z.object({ publishedVersion: z.number().int().nullable(), deployments: z.array(Deployment) }));
const PublishAnswer = response("PublishAnswer", z.object({ deployment: Deployment, rule: RuleDetail }));
const TestCaseList = response("TestCaseList", z.object({ testCases: z.array(TestCase) }));
const TestCaseAnswer = response("TestCaseAnswer", z.object({ testCase: TestCase }));
const Deleted = response("Deleted", z.object({ deleted: z.literal(true) }));
const RunPage = response("RunPage", z.object({ runs: z.array(RunSummary), nextCursor: z.string().nullable() }));
const RunAnswer = response("RunAnswer", z.object({ run: RunDetail }));
const Diagnostics = response("Diagnostics", z.object({ diagnostics: z.array(Diagnostic) }));
const UserList = response("UserList", z.object({ users: z.array(User) }));
const UserAnswer = response("UserAnswer", z.object({ user: User }));
const SignedIn = response("SignedIn", z.object({ user: User, expiresAt: z.string() }));
const SignedOut = response("SignedOut", z.object({ signedOut: z.literal(true) }));
const SetupNeeded = response("SetupNeeded", z.object({ needed: z.boolean() }));
const PasswordChanged = response("PasswordChanged", z.object({ changed: z.literal(true) }));
const ApiKeyList = response("ApiKeyList", z.object({ keys: z.array(ApiKey) }));
const ApiKeyAnswer = response("ApiKeyAnswer", z.object({ key: ApiKey }));
const CreatedApiKey = response("CreatedApiKey", z.object({ key: ApiKey, secret: z.string().describe("The key's secret (rbx_…): shown in this answer only") }));
const AuditPage = response("AuditPage", z.object({ events: z.array(AuditEvent), nextCursor: z.string().nullable() }));
const OpenApiDocument = response("OpenApiDocument", z.object({ openapi: z.string(), info: z.object({ title: z.string(), version: z.string() }), paths: z.record(z.string(), z.unknown()) }));

// Named request bodies (the very objects the routes validate with).
request("AnalyzeBody", req.analyzeBodySchema);
request("ChangePasswordBody", req.changePasswordBodySchema);
request("SetupBody", req.setupBodySchema);
request("SignInBody", req.signInBodySchema);
request("CreateApiKeyBody", req.createApiKeyBodySchema);
request("ExecuteBody", req.executeBodySchema);
request("ExecuteBatchBody", req.executeBatchBodySchema);
request("PublishBody", req.publishBodySchema);
request("ReplayBody", req.replayBodySchema);
request("UpdateRuleBody", req.updateRuleBodySchema);
request("CreateRuleBody", req.createRuleBodySchema);
request("UpdateTestCaseBody", req.updateTestCaseBodySchema);
request("CreateTestCaseBody", req.createTestCaseBodySchema);
request("SaveVersionBody", req.saveVersionBodySchema);
request("RunBody", req.runBodySchema);
request("UpdateUserBody", req.updateUserBodySchema);
request("CreateUserBody", req.createUserBodySchema);

const rule = { params: req.ruleParamsSchema };

/** Every route under app/api/ (but the catch-all JSON 404), in the order of the folder tree. */
export const API_OPERATIONS: readonly ApiOperation[] = [
  { method: "POST", path: "/api/analyze", tag: "Analysis", summary: "The static analyzer's diagnostics for a source", access: "viewer", body: req.analyzeBodySchema, ok: { status: 200, schema: Diagnostics } },
  { method: "GET", path: "/api/audit", tag: "Audit", summary: "The audit trail, newest first, with filters and cursor paging", access: "admin", query: req.listAuditQuerySchema, ok: { status: 200, schema: AuditPage } },
  { method: "GET", path: "/api/auth/me", tag: "Accounts", summary: "The signed-in user", access: "viewer", ok: { status: 200, schema: UserAnswer } },
  { method: "POST", path: "/api/auth/password", tag: "Accounts", summary: "Change your password: every session ends, this one is replaced", access: "viewer", body: req.changePasswordBodySchema, ok: { status: 200, schema: PasswordChanged }, errors: ["throttled"] },
  { method: "GET", path: "/api/auth/setup", tag: "Accounts", summary: "Whether the app still needs its first admin", access: "public", ok: { status: 200, schema: SetupNeeded } },
  { method: "POST", path: "/api/auth/setup", tag: "Accounts", summary: "Create the first admin (only while there is no user) and sign in as them", access: "public", body: req.setupBodySchema, ok: { status: 201, schema: UserAnswer }, errors: ["conflict"] },
  {
    method: "POST",
    path: "/api/auth/sign-in",
    tag: "Accounts",
    summary: "Email and password → a new session (cookie rulebox_session)",
    access: "public",
    body: req.signInBodySchema,
    ok: { status: 200, schema: SignedIn },
    errors: ["unauthorized", "throttled"],
    description: "Throttled per account and per client (429 with Retry-After).",
  },
  { method: "POST", path: "/api/auth/sign-out", tag: "Accounts", summary: "End this session (signing out twice is fine)", access: "public", ok: { status: 200, schema: SignedOut } },
  { method: "GET", path: "/api/health", tag: "Operations", summary: "The app, its database and the executor (503 when the database does not answer)", access: "public", ok: { status: 200, schema: Health } },
  { method: "DELETE", path: "/api/keys/{id}", tag: "API keys", summary: "Revoke a key (idempotent; the row is kept with revokedAt)", access: "admin", params: req.apiKeyParamsSchema, ok: { status: 200, schema: ApiKeyAnswer }, errors: ["not_found"] },
  { method: "GET", path: "/api/keys", tag: "API keys", summary: "Every API key (never a secret or hash), active ones first", access: "admin", ok: { status: 200, schema: ApiKeyList } },
  { method: "POST", path: "/api/keys", tag: "API keys", summary: "Create a key; the secret is in this answer only", access: "admin", body: req.createApiKeyBodySchema, ok: { status: 201, schema: CreatedApiKey } },
  { method: "GET", path: "/api/limits", tag: "Rules", summary: "Default limits and the server caps", access: "viewer", ok: { status: 200, schema: LimitCaps } },
  { method: "GET", path: "/api/metrics", tag: "Operations", summary: "Prometheus text exposition", access: "public", ok: { status: 200, schema: "text" } },
  { method: "GET", path: "/api/openapi.json", tag: "Operations", summary: "This document", access: "public", ok: { status: 200, schema: OpenApiDocument } },
  { method: "GET", path: "/api/rules/{id}/deployments", tag: "Deployments", summary: "Every move of the live version, newest first", access: "viewer", ...rule, ok: { status: 200, schema: DeploymentList }, errors: ["not_found"] },
  {
    method: "POST",
    path: "/api/rules/{id}/execute/batch",
    tag: "Execute",
    summary: "Run one saved version on many inputs in one request",
    access: executeBatchSpec.access,
    params: executeBatchSpec.params,
    body: executeBatchSpec.body,
    ok: { status: 200, schema: ExecuteBatchAnswer },
    errors: ["not_found", "conflict", "throttled"],
    description: "Runs the published version unless `version` pins one. Answers in input order; an input the executor refused (busy, throttled) is answered as `{ refused }`: retry those. A rule's failure is a run outcome, never an HTTP error.",
  },
  {
    method: "POST",
    path: "/api/rules/{id}/execute",
    tag: "Execute",
    summary: "Run the published (or a pinned) version for another system",
    access: executeSpec.access,
    params: executeSpec.params,
    body: executeSpec.body,
    ok: { status: 200, schema: ExecuteAnswer },
    errors: ["not_found", "conflict", "throttled"],
    description: "The production path. A rule's failure (`error`, `timeout`, `memory`, …) is a run outcome with HTTP 200, never an HTTP error; the run is recorded with trigger `api`.",
  },
  { method: "POST", path: "/api/rules/{id}/publish", tag: "Deployments", summary: "Make a saved version the live one (rolling back is publishing an earlier one)", access: "publisher", ...rule, body: req.publishBodySchema, ok: { status: 200, schema: PublishAnswer }, errors: ["not_found", "conflict"] },
  { method: "POST", path: "/api/rules/{id}/replay", tag: "Deployments", summary: "What-if: recorded execute inputs through a candidate and the live version", access: "author", ...rule, body: req.replayBodySchema, ok: { status: 200, schema: ReplaySummary }, errors: ["not_found", "conflict"] },
  { method: "POST", path: "/api/rules/{id}/restore", tag: "Rules", summary: "Unarchive a rule", access: "publisher", ...rule, ok: { status: 200, schema: RuleRowAnswer }, errors: ["not_found"] },
  { method: "GET", path: "/api/rules/{id}", tag: "Rules", summary: "A rule with its latest version (source included)", access: "viewer", ...rule, ok: { status: 200, schema: RuleAnswer }, errors: ["not_found"] },
  { method: "PATCH", path: "/api/rules/{id}", tag: "Rules", summary: "Rename, describe, or change the limits of future versions", access: "author", ...rule, body: req.updateRuleBodySchema, ok: { status: 200, schema: RuleRowAnswer }, errors: ["not_found", "conflict"] },
  { method: "DELETE", path: "/api/rules/{id}", tag: "Rules", summary: "Archive (versions and runs are kept; restore brings it back)", access: "publisher", ...rule, ok: { status: 200, schema: RuleRowAnswer }, errors: ["not_found"] },
  { method: "GET", path: "/api/rules/{id}/runs", tag: "Runs", summary: "Run history, newest first; filter by outcome, page by cursor", access: "viewer", ...rule, query: req.listRunsQuerySchema, ok: { status: 200, schema: RunPage }, errors: ["not_found"] },
  {
    method: "PATCH",
    path: "/api/rules/{id}/test-cases/{caseId}",
    tag: "Test cases",
    summary: "Rename a test case or change its input or expectation",
    access: "author",
    params: req.testCaseParamsSchema,
    body: req.updateTestCaseBodySchema,
    ok: { status: 200, schema: TestCaseAnswer },
    errors: ["not_found", "conflict"],
  },
  { method: "DELETE", path: "/api/rules/{id}/test-cases/{caseId}", tag: "Test cases", summary: "Remove a test case", access: "author", params: req.testCaseParamsSchema, ok: { status: 200, schema: Deleted }, errors: ["not_found"] },
  { method: "GET", path: "/api/rules/{id}/test-cases", tag: "Test cases", summary: "A rule's saved inputs and expectations", access: "viewer", ...rule, ok: { status: 200, schema: TestCaseList }, errors: ["not_found"] },
  { method: "POST", path: "/api/rules/{id}/test-cases", tag: "Test cases", summary: "Add a test case (names are unique per rule)", access: "author", ...rule, body: req.createTestCaseBodySchema, ok: { status: 201, schema: TestCaseAnswer }, errors: ["not_found", "conflict"] },
  { method: "GET", path: "/api/rules/{id}/versions/{n}", tag: "Versions", summary: "One version with its source", access: "viewer", params: req.versionParamsSchema, ok: { status: 200, schema: VersionAnswer }, errors: ["not_found"] },
  { method: "GET", path: "/api/rules/{id}/versions", tag: "Versions", summary: "All versions, newest first (no source)", access: "viewer", ...rule, ok: { status: 200, schema: VersionList }, errors: ["not_found"] },
  { method: "POST", path: "/api/rules/{id}/versions", tag: "Versions", summary: "Save a new immutable version numbered max+1", access: "author", ...rule, body: req.saveVersionBodySchema, ok: { status: 201, schema: SavedVersionAnswer }, errors: ["not_found"] },
  { method: "GET", path: "/api/rules", tag: "Rules", summary: "List rules (q filters by name or description)", access: "viewer", query: req.listRulesQuerySchema, ok: { status: 200, schema: RuleList } },
  { method: "POST", path: "/api/rules", tag: "Rules", summary: "Create a rule with version 1 and an optional sample test case", access: "author", body: req.createRuleBodySchema, ok: { status: 201, schema: RuleRowAnswer }, errors: ["conflict"] },
  {
    method: "POST",
    path: "/api/run",
    tag: "Runs",
    summary: "Run unsaved source from the editor (recorded when tied to a rule)",
    access: "author",
    body: req.runBodySchema,
    ok: { status: 200, schema: RunResponse },
    errors: ["not_found", "throttled"],
  },
  { method: "POST", path: "/api/runs/{id}/replay", tag: "Runs", summary: "Run a recorded run again exactly and say whether it answers the same", access: "author", params: req.runParamsSchema, ok: { status: 200, schema: RunReplay }, errors: ["not_found", "conflict"] },
  { method: "GET", path: "/api/runs/{id}", tag: "Runs", summary: "One recorded run with input, output, logs and error", access: "viewer", params: req.runParamsSchema, ok: { status: 200, schema: RunAnswer }, errors: ["not_found"] },
  {
    method: "PATCH",
    path: "/api/users/{id}",
    tag: "Users",
    summary: "Change a user's role or name, disable or enable them, or set a new password",
    access: "admin",
    params: req.userParamsSchema,
    body: req.updateUserBodySchema,
    ok: { status: 200, schema: UserAnswer },
    errors: ["not_found", "conflict"],
  },
  { method: "GET", path: "/api/users", tag: "Users", summary: "Every user", access: "admin", ok: { status: 200, schema: UserList } },
  { method: "POST", path: "/api/users", tag: "Users", summary: "Create a user with a role and an initial password", access: "admin", body: req.createUserBodySchema, ok: { status: 201, schema: UserAnswer }, errors: ["conflict"] },
];

/**
 * The error codes an operation can answer: those every route can (a Host not allowed or a
 * cross-site request: 403; a database that is busy or a server shutting down: 503; a fault: 500),
 * those of its access (no session or key: 401; a role too low or a key out of scope: 403), of its
 * inputs (400 bad JSON, 413 too large, 422 invalid), and its own.
 */
export function errorCodesOf(op: ApiOperation): ErrorCode[] {
  const codes = new Set<ErrorCode>(["forbidden", "busy", "internal"]);
  if (op.access !== "public") codes.add("unauthorized");
  if (op.params || op.query || op.body) codes.add("validation_failed");
  if (op.body) {
    codes.add("bad_json");
    codes.add("payload_too_large");
  }
  for (const code of op.errors ?? []) codes.add(code);
  return ERROR_CODES.filter((c) => codes.has(c));
}

type JsonSchema = Record<string, unknown>;

const ROLE_ORDER: Role[] = ["viewer", "author", "publisher", "admin"];

function accessText(access: Access): string {
  if (access === "public") return "**Access:** public.";
  if (access === "apiKey") return "**Access:** an API key (`Authorization: Bearer rbx_…`, created by an admin at /keys); never a session cookie. A key scoped to some rules is refused (403) for others.";
  const higher = ROLE_ORDER.slice(ROLE_ORDER.indexOf(access) + 1);
  return `**Access:** signed in (cookie \`rulebox_session\`) with the ${access} role${higher.length ? ` or higher (${higher.join(", ")})` : ""}.`;
}

function securityOf(access: Access): Record<string, string[]>[] {
  if (access === "public") return [];
  return access === "apiKey" ? [{ apiKey: [] }] : [{ session: [] }];
}

function convert(schema: z.ZodType): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io: "input" }) as JsonSchema;
  return rest;
}

/** Path or query parameters from a strict object schema, one per property. */
function parametersOf(schema: z.ZodType, where: "path" | "query"): JsonSchema[] {
  const json = convert(schema) as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, s]) => ({ name, in: where, required: where === "path" || (json.required ?? []).includes(name), schema: s }));
}

const ref = (registry: "requests" | "responses", schema: z.ZodType) => {
  const id = (registry === "requests" ? requests : responses).get(schema)?.id;
  if (!id) throw new Error("a schema in an operation is not named in server/http/openapi.ts");
  return { $ref: `#/components/schemas/${id}` };
};

function componentSchemas(): Record<string, JsonSchema> {
  const uri = (id: string) => `#/components/schemas/${id}`;
  const out: Record<string, JsonSchema> = {};
  for (const [registry, io] of [
    [requests, "input"],
    [responses, "input"],
  ] as const) {
    const { schemas } = z.toJSONSchema(registry, { io, uri }) as { schemas: Record<string, JsonSchema> };
    for (const [id, { $schema: _dialect, $id: _id, ...schema }] of Object.entries(schemas)) {
      if (out[id]) throw new Error(`two components are named ${id}`);
      out[id] = schema;
    }
  }
  return out;
}

function operationObject(op: ApiOperation): JsonSchema {
  const parameters = [...(op.params ? parametersOf(op.params, "path") : []), ...(op.query ? parametersOf(op.query, "query") : [])];
  const ok =
    op.ok.schema === "text"
      ? { description: "OK", content: { "text/plain": { schema: { type: "string" } } } }
      : { description: op.ok.status === 201 ? "Created" : "OK", content: { "application/json": { schema: ref("responses", op.ok.schema) } } };
  const errors: Record<string, JsonSchema> = {};
  for (const code of errorCodesOf(op)) {
    const status = String(statusOf(code));
    const entry = (errors[status] ??= { description: "", content: { "application/json": { schema: ref("responses", ErrorEnvelope) } } });
    entry.description = entry.description ? `${entry.description}, \`${code}\`` : `\`${code}\``;
  }
  // GET /api/health answers its own body with 503 when the database is down.
  if (op.path === "/api/health") errors["503"] = { description: "the database does not answer", content: { "application/json": { schema: ref("responses", Health) } } };
  return {
    operationId: `${op.method.toLowerCase()}${op.path.replace(/^\/api/, "").replace(/\{(\w+)\}/g, "By-$1").replace(/[^A-Za-z0-9]+(\w)/g, (_m, c: string) => c.toUpperCase())}`,
    summary: op.summary,
    description: [op.description, accessText(op.access)].filter(Boolean).join("\n\n"),
    tags: [op.tag],
    security: securityOf(op.access),
    "x-rulebox-access": op.access,
    ...(parameters.length ? { parameters } : {}),
    ...(op.body ? { requestBody: { required: true, content: { "application/json": { schema: ref("requests", op.body) } } } } : {}),
    responses: { [String(op.ok.status)]: ok, ...errors },
  };
}

/** Builds the document from API_OPERATIONS (pure: the same document every call). */
export function buildOpenApiDocument(): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const op of API_OPERATIONS) (paths[op.path] ??= {})[op.method.toLowerCase()] = operationObject(op);
  return {
    openapi: "3.1.1",
    info: {
      title: "Rulebox API",
      version: "1",
      description:
        "Business rules: write and test them in the IDE, publish a version, then call it from other systems with an API key (`POST /api/rules/{id}/execute`).\n\n" +
        "Every error answers `{ \"error\": { \"code\", \"message\", \"details\"? } }` with a closed set of codes: " +
        ERROR_CODES.map((c) => `\`${c}\` (${statusOf(c)})`).join(", ") +
        ". State-changing calls from a browser must be same-origin JSON.",
    },
    tags: [...new Set(API_OPERATIONS.map((op) => op.tag))].map((name) => ({ name })),
    paths,
    components: {
      schemas: componentSchemas(),
      securitySchemes: {
        session: { type: "apiKey", in: "cookie", name: "rulebox_session", description: "The IDE's session: POST /api/auth/sign-in with email and password sets it." },
        apiKey: { type: "http", scheme: "bearer", description: "An API key (rbx_…) created by an admin at /keys; for the execute routes only." },
      },
    },
  };
}

let cached: string | undefined;

/** The document as JSON text, built once per process. */
export function openApiJson(): string {
  return (cached ??= JSON.stringify(buildOpenApiDocument()));
}
