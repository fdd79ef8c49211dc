// The HTTP protocol between the app (remote-client.ts) and an executor host (remote-host.ts,
// executor-host.ts). Shared by both sides, so no "server-only" and relative imports only.
//
//   POST /v1/runs    Authorization: Bearer <token>, body { runs: RunTask[] } (JSON)
//                    → 200 application/x-ndjson, one line per run *as it finishes*:
//                      { i, result: RunResult } | { i, refused: { reason, message } }
//                      The host sends the headers before it starts any run, so a connection
//                      lost before the headers means no run of the batch started.
//                    → 400 bad JSON / shape, 401 token, 413 body too large, 503 draining.
//   GET  /v1/health  → { status, protocol, stats? } (stats only with a valid token)
import { z } from "zod";

/** Bumped on an incompatible change; the client refuses a host that speaks another one. */
export const REMOTE_PROTOCOL_VERSION = 1;

export const RUNS_PATH = "/v1/runs";
export const HEALTH_PATH = "/v1/health";

/** The batch body; each task is validated on its own (runTaskSchema) so one bad task fails one run. */
export const runBatchSchema = z.object({ runs: z.array(z.unknown()).min(1).max(1024) });

/** Why a host did not run a task (it never started): the client maps these to the app's errors. */
export const refusalReasonSchema = z.enum(["queue_full", "shutting_down", "throttled"]);
export type RefusalReason = z.infer<typeof refusalReasonSchema>;

/** One NDJSON line of the answer to POST /v1/runs. `result` is validated by the client (runResultSchema). */
export const runAnswerSchema = z.union([
  z.object({ i: z.number().int().nonnegative(), result: z.unknown() }),
  z.object({ i: z.number().int().nonnegative(), refused: z.object({ reason: refusalReasonSchema, message: z.string() }) }),
]);
export type RunAnswer = z.infer<typeof runAnswerSchema>;

export const hostHealthSchema = z.object({
  status: z.enum(["ok", "draining"]),
  protocol: z.number().int(),
  /** The host's own ExecutorStats (supervisor.ts); only for a caller with the token. */
  stats: z.record(z.string(), z.unknown()).optional(),
});
export type HostHealth = z.infer<typeof hostHealthSchema>;
