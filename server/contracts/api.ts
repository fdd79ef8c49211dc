// Response contracts of the HTTP API: what each route answers, in zod. Pure (no Node imports, no
// "server-only"): the browser client parses every answer with these, and server/http/openapi.ts
// turns them into the OpenAPI document's components, so the document and the client cannot drift.
// Objects are not strict: a client ignores fields it does not know, so the server may add some. A
// value that JSON may leave out (a diff side where the path is missing) is `.optional()`: the
// document lists every other key as required, and the integration suite holds answers to it.
import { z } from "zod";
import { roleSchema } from "@/server/auth/roles";
import { diagnosticSchema, languageSchema, limitsSchema, logEntrySchema, outcomeSchema, ruleErrorSchema, runResultSchema } from "@/server/contracts/run";

/** Every error code the API can answer with (a closed set: clients may switch on it). */
export const ERROR_CODES = ["bad_json", "validation_failed", "not_found", "conflict", "payload_too_large", "throttled", "busy", "unauthorized", "forbidden", "internal"] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** The body of every error answer: `{ error: { code, message, details? } }`. */
export const errorEnvelopeSchema = z.object({
  error: z.object({ code: z.enum(ERROR_CODES), message: z.string(), details: z.unknown().optional() }),
});
export type ErrorEnvelope = z.infer<typeof errorEnvelopeSchema>;

const dateString = z.string();

export const ruleSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string().nullable().optional(),
  archived: z.boolean(),
  latestVersion: z.number().nullable(),
  publishedVersion: z.number().nullable().optional(),
  language: languageSchema.nullable().optional(),
  createdAt: dateString,
  updatedAt: dateString,
});
export type RuleSummary = z.infer<typeof ruleSummarySchema>;

export const versionSummarySchema = z.object({
  number: z.number(),
  message: z.string(),
  sha256: z.string(),
  language: languageSchema,
  limits: limitsSchema.partial().nullable().optional(),
  /** Who saved it (email); null for versions saved before accounts existed. */
  author: z.string().nullable().optional(),
  createdAt: dateString,
});
export type VersionSummary = z.infer<typeof versionSummarySchema>;

export const versionSchema = versionSummarySchema.extend({ source: z.string() });
export type Version = z.infer<typeof versionSchema>;

export const ruleDetailSchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string().nullable().optional(),
  archived: z.boolean(),
  limits: limitsSchema.partial().nullable().optional(),
  createdAt: dateString,
  updatedAt: dateString,
  latestVersion: versionSchema.nullable(),
  publishedVersion: z.number().nullable().optional(),
});
export type RuleDetail = z.infer<typeof ruleDetailSchema>;

export const deploymentSchema = z.object({
  id: z.string(),
  fromVersion: z.number().nullable(),
  toVersion: z.number(),
  message: z.string(),
  actor: z.string().nullable(),
  createdAt: dateString,
});
export type Deployment = z.infer<typeof deploymentSchema>;

const replaySideSchema = z.object({ outcome: outcomeSchema, output: z.unknown().optional(), error: z.object({ name: z.string(), message: z.string() }).optional(), durationMs: z.number() });
const durationSummarySchema = z.object({ count: z.number(), p50: z.number(), p90: z.number(), p99: z.number(), max: z.number(), mean: z.number() });
export const replaySummarySchema = z.object({
  live: z.object({ version: z.number() }),
  inputs: z.number(),
  inputsLeftOut: z.number(),
  replayed: z.number(),
  notRun: z.number(),
  complete: z.boolean(),
  changed: z.number(),
  unchanged: z.number(),
  outcomeChanges: z.record(z.string(), z.number()),
  durations: z.object({ live: durationSummarySchema, candidate: durationSummarySchema }),
  changes: z.object({
    offset: z.number(),
    limit: z.number(),
    total: z.number(),
    items: z.array(
      z.object({ runId: z.string(), recordedAt: dateString, input: z.unknown(), live: replaySideSchema, candidate: replaySideSchema, diff: z.array(z.object({ path: z.string(), live: z.unknown().optional(), candidate: z.unknown().optional() })) }),
    ),
  }),
});
export type ReplaySummary = z.infer<typeof replaySummarySchema>;

export const testCaseSchema = z.object({
  id: z.string(),
  name: z.string(),
  input: z.unknown(),
  expectedOutput: z.unknown().optional(),
  createdAt: dateString,
  updatedAt: dateString,
});
export type TestCase = z.infer<typeof testCaseSchema>;

export const runSummarySchema = z.object({
  id: z.string(),
  ruleId: z.string().nullable().optional(),
  version: z.number().nullable().optional(),
  outcome: outcomeSchema,
  durationMs: z.number(),
  source: z.string().optional(),
  createdAt: dateString,
});
export type RunSummary = z.infer<typeof runSummarySchema>;

export const runDetailSchema = z.object({
  id: z.string(),
  ruleId: z.string().nullable().optional(),
  version: z.number().nullable().optional(),
  outcome: outcomeSchema,
  input: z.unknown(),
  output: z.unknown().optional(),
  logs: z.array(logEntrySchema).nullable().optional(),
  error: ruleErrorSchema.nullable().optional(),
  diagnostics: z.array(diagnosticSchema).nullable().optional(),
  clock: z.number().nullable().optional(),
  durationMs: z.number(),
  memoryBytes: z.number().nullable().optional(),
  sourceHash: z.string().nullable().optional(),
  source: z.string().nullable().optional(),
  language: languageSchema.nullable().optional(),
  trigger: z.string().nullable().optional(),
  createdAt: dateString,
});
export type RunDetail = z.infer<typeof runDetailSchema>;

/** POST /api/runs/:id/replay: the recorded answer, the replayed one, and whether they match. */
export const runReplaySchema = z.object({
  run: z.object({ id: z.string(), version: z.number().nullable(), outcome: outcomeSchema, output: z.unknown().optional(), error: z.object({ name: z.string(), message: z.string() }).optional() }),
  replay: replaySideSchema,
  identical: z.boolean(),
  differences: z.array(z.object({ path: z.string(), recorded: z.unknown().optional(), replayed: z.unknown().optional() })),
  hint: z.string().optional(),
});
export type RunReplay = z.infer<typeof runReplaySchema>;

export const runResponseSchema = runResultSchema.extend({ runId: z.string().optional() });
export type RunResponse = z.infer<typeof runResponseSchema>;

export const apiKeySchema = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  createdAt: dateString,
  lastUsedAt: dateString.nullable(),
  revokedAt: dateString.nullable(),
  ownerId: z.string().nullable().optional(),
  ownerEmail: z.string().nullable().optional(),
  /** The rules it may execute; null: every rule. */
  ruleIds: z.array(z.string()).nullable().optional(),
});
export type ApiKey = z.infer<typeof apiKeySchema>;

export const userSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role: roleSchema,
  disabledAt: dateString.nullable().optional(),
  createdAt: dateString.optional(),
});
export type User = z.infer<typeof userSchema>;

export const auditEventSchema = z.object({
  id: z.string(),
  createdAt: dateString,
  actorId: z.string().nullable(),
  actorEmail: z.string().nullable(),
  action: z.string(),
  targetType: z.string(),
  targetId: z.string().nullable(),
  ruleId: z.string().nullable(),
  summary: z.string(),
  details: z.unknown().nullable().optional(),
  ip: z.string(),
});
export type AuditEvent = z.infer<typeof auditEventSchema>;

export const limitCapsSchema = z.object({ defaults: limitsSchema, caps: limitsSchema });
export type LimitCaps = z.infer<typeof limitCapsSchema>;

/** POST /api/rules/:id/execute: the run's result, the version that ran and the recorded run's id (null when recording failed). */
export const executeAnswerSchema = runResultSchema.extend({ runId: z.string().nullable(), version: z.number().int() });
export type ExecuteAnswer = z.infer<typeof executeAnswerSchema>;

/** One entry of a batch answer that did not run: the executor refused it (retry those). */
export const batchRefusalSchema = z.object({ refused: z.object({ code: z.enum(ERROR_CODES), message: z.string() }) });

/** POST /api/rules/:id/execute/batch: one entry per input, in order. */
export const executeBatchAnswerSchema = z.object({ version: z.number().int(), results: z.array(z.union([executeAnswerSchema, batchRefusalSchema])) });
export type ExecuteBatchAnswer = z.infer<typeof executeBatchAnswerSchema>;

/** GET /api/health: 200 with status "ok", or 503 with "error" when the database does not answer. */
export const healthSchema = z.object({ status: z.enum(["ok", "error"]), db: z.enum(["ok", "error"]), executor: z.unknown(), runRecorder: z.unknown() });
