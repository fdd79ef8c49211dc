// Messages between the app (supervisor.ts) and the executor child (executor-main.ts) over the
// fork IPC channel. Shared by both sides, so no "server-only" and relative imports only.
// Runs and results travel in batches (one message per event-loop turn per direction): one
// channel write per turn instead of one per run is what makes c=16 cheap.
import { z } from "zod";
import { languageSchema, limitsSchema, outcomeSchema, runResultSchema, type RunResult } from "../contracts/run";

export const runTaskSchema = z.object({
  source: z.string(),
  language: languageSchema,
  input: z.unknown(),
  limits: limitsSchema,
  clock: z.number(),
  ruleId: z.string().optional(),
  version: z.number().int().optional(),
  /** Who the noisy lane and the quarantine hold this run's trouble against (culprit.ts). */
  culprit: z.string().max(200).optional(),
  /** Set by the supervisor for runs of noisy rules: the pool runs them on workers of their own. */
  noisy: z.boolean().optional(),
});
export type RunTaskMessage = z.infer<typeof runTaskSchema>;

export const poolStatsSchema = z.object({
  threads: z.number(),
  readyThreads: z.number(),
  queueSize: z.number(),
  completed: z.number(),
  workerRestarts: z.number(),
  byOutcome: z.record(outcomeSchema, z.number()),
});
export type PoolStatsMessage = z.infer<typeof poolStatsSchema>;

/** App → executor. */
export const parentMessageSchema = z.discriminatedUnion("type", [
  // Each task is validated on its own (runTaskSchema) so one bad task fails one run, not the batch.
  z.object({ type: z.literal("runs"), runs: z.array(z.object({ id: z.number().int(), task: z.unknown() })) }),
  z.object({ type: z.literal("ping"), id: z.number().int() }),
  z.object({ type: z.literal("stats"), id: z.number().int() }),
  /** Load the Python interpreters now (Python rules are in use), in the background. */
  z.object({ type: z.literal("warm"), language: z.literal("python") }),
  /** Stop accepting runs, let in-flight ones finish within graceMs, then exit 0. */
  z.object({ type: z.literal("shutdown"), graceMs: z.number().int().nonnegative() }),
]);
export type ParentMessage = z.infer<typeof parentMessageSchema>;

/** What the child found about its own confinement, reported once in `ready`. */
export const childWallSchema = z.object({
  pid: z.number(),
  node: z.string(),
  /** process.permission present, i.e. the permission model is active. */
  permissionModel: z.boolean(),
  fsWriteDenied: z.boolean(),
  childProcessDenied: z.boolean(),
  /** Names only, never values: proves the scrubbed environment. */
  envKeys: z.array(z.string()),
});
export type ChildWall = z.infer<typeof childWallSchema>;

/** Executor → app. `results` carry results still to be validated by the app (runResultSchema). */
export const childMessageSchema = z.discriminatedUnion("type", [
  /** Timings are ms since the child process started: main() entered (bundle loaded), ready. */
  z.object({ type: z.literal("ready"), wall: childWallSchema, timings: z.object({ mainMs: z.number(), readyMs: z.number() }) }),
  z.object({ type: z.literal("results"), results: z.array(z.object({ id: z.number().int(), result: z.unknown() })) }),
  z.object({ type: z.literal("pong"), id: z.number().int() }),
  z.object({ type: z.literal("stats"), id: z.number().int(), stats: poolStatsSchema }),
  /** The child could not handle a message it was sent (a bug on one side); logged by the app. */
  z.object({ type: z.literal("protocol_error"), message: z.string() }),
]);
export type ChildMessage = z.infer<typeof childMessageSchema>;

/** Validates one result from the child; anything malformed becomes `crashed` rather than reaching the caller. */
export function parseRunResult(value: unknown, clock: number): RunResult {
  const parsed = runResultSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  return {
    outcome: "crashed",
    logs: [],
    durationMs: 0,
    clock,
    error: { name: "ExecutorError", message: "The executor returned a malformed result", frames: [] },
  };
}
