// The executor's refusals, as typed errors: the one thing run() throws instead of answering with an
// outcome. Thrown by the supervisor (supervisor.ts) and the remote client (remote-client.ts); the
// remote host (remote-host.ts) maps them to refusals by name, the routes to HTTP statuses.
// Each carries `code`, one of the API's error codes (server/contracts/api.ts ERROR_CODES), so
// the app, the supervisor and the remote host speak one vocabulary: the route answers that code
// with its status (http/errors.ts), the host sends it as the refusal's reason's family.
// No "server-only": bundled into the executor host and driven by unit tests.
import type { ErrorCode } from "../contracts/api";

/** The executor cannot take this run now (queue full, or shutting down). Routes map it to HTTP 503. */
export class ExecutorBusyError extends Error {
  override readonly name = "ExecutorBusyError";
  readonly code = "busy" satisfies ErrorCode;
  constructor(
    readonly reason: "queue_full" | "shutting_down",
    message = reason === "queue_full" ? "The executor queue is full; retry shortly" : "The executor is shutting down",
  ) {
    super(message);
  }
}

/**
 * This rule's recent runs hit their limits, and as many of its kind as the noisy lane holds are
 * already waiting (RULEBOX_NOISY_QUEUE). Routes map it to HTTP 429: the caller should back off;
 * everyone else's runs are unaffected.
 */
export class RuleThrottledError extends Error {
  override readonly name = "RuleThrottledError";
  readonly code = "throttled" satisfies ErrorCode;
  constructor(waiting: number) {
    super(`This rule ran into its time or memory limit in recent runs, so its runs take turns, and ${waiting} are already waiting; retry later, or fix the rule`);
  }
}

/** A run the executor refused before starting it (and never ran). */
export type ExecutorRefusal = ExecutorBusyError | RuleThrottledError;

/** Whether `err` is one of the executor's refusals (by class, or by name and code across bundles). */
export function isExecutorRefusal(err: unknown): err is ExecutorRefusal {
  if (err instanceof ExecutorBusyError || err instanceof RuleThrottledError) return true;
  // Next bundles routes separately: an error from another bundle's copy of this module is not an
  // instance of this one's classes, so the name and code say it.
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  return (err.name === "ExecutorBusyError" && code === "busy") || (err.name === "RuleThrottledError" && code === "throttled");
}

/** What the remote protocol calls this refusal (remote-protocol.ts refusalReasonSchema). */
export function refusalReasonOf(err: ExecutorRefusal): "queue_full" | "shutting_down" | "throttled" {
  return err.code === "throttled" ? "throttled" : (err as ExecutorBusyError).reason;
}
