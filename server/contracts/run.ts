// Shapes shared by the executor, the database layer, the HTTP API and the editor.
// Pure (no Node imports, no "server-only") so client components can import the types too.
import { z } from "zod";

export const languageSchema = z.enum(["javascript", "typescript", "python"]);
export type Language = z.infer<typeof languageSchema>;

export const outcomeSchema = z.enum(["ok", "error", "timeout", "memory", "output_limit", "blocked", "crashed"]);
export type Outcome = z.infer<typeof outcomeSchema>;

export const severitySchema = z.enum(["error", "warning"]);

/** One analyzer finding; lines and columns are 1-based (Monaco's convention), end exclusive. */
export const diagnosticSchema = z.object({
  code: z.string(),
  message: z.string(),
  severity: severitySchema,
  line: z.number().int(),
  column: z.number().int(),
  endLine: z.number().int(),
  endColumn: z.number().int(),
});
export type Diagnostic = z.infer<typeof diagnosticSchema>;

/** Per-rule limits; every field optional on input, filled from defaults and clamped by server caps. */
export const limitsSchema = z.object({
  timeoutMs: z.number().int().positive(),
  memoryMb: z.number().int().positive(),
  maxOutputBytes: z.number().int().positive(),
  maxLogBytes: z.number().int().positive(),
});
export type Limits = z.infer<typeof limitsSchema>;
export const limitsInputSchema = limitsSchema.partial().strict();
export type LimitsInput = z.infer<typeof limitsInputSchema>;

export const frameSchema = z.object({
  functionName: z.string().optional(),
  line: z.number().int(),
  column: z.number().int(),
});
export type Frame = z.infer<typeof frameSchema>;

export const ruleErrorSchema = z.object({
  name: z.string(),
  message: z.string(),
  frames: z.array(frameSchema),
  /** For timeout/memory/output_limit/crashed: which limit was hit, e.g. { limit: "timeoutMs", value: 1000 }. */
  limit: z.object({ name: z.string(), value: z.number() }).optional(),
});
export type RuleError = z.infer<typeof ruleErrorSchema>;

export const logEntrySchema = z.object({
  level: z.enum(["log", "info", "warn", "error", "debug"]),
  message: z.string(),
});
export type LogEntry = z.infer<typeof logEntrySchema>;

/** What the executor answers for one run (validated on the way out of the worker: it is untrusted). */
export const runResultSchema = z.object({
  outcome: outcomeSchema,
  output: z.unknown().optional(),
  logs: z.array(logEntrySchema),
  logsTruncated: z.boolean().optional(),
  error: ruleErrorSchema.optional(),
  diagnostics: z.array(diagnosticSchema).optional(),
  durationMs: z.number(),
  memoryBytes: z.number().optional(),
  /** The fixed clock (epoch ms) the rule saw as Date.now(). */
  clock: z.number(),
});
export type RunResult = z.infer<typeof runResultSchema>;
