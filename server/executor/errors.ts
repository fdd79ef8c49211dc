// The executor's refusals, as typed errors: the one thing run() throws instead of answering with an
// outcome. Thrown by the supervisor (supervisor.ts) and the remote client (remote-client.ts); the
// remote host (remote-host.ts) maps them to refusals by name, the routes to HTTP statuses.
// No "server-only": bundled into the executor host and driven by unit tests.

/** The executor cannot take this run now (queue full, or shutting down). Routes map it to HTTP 503. */
export class ExecutorBusyError extends Error {
  override readonly name = "ExecutorBusyError";
  readonly code = "EXECUTOR_BUSY" as const;
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
  constructor(waiting: number) {
    super(`This rule ran into its time or memory limit in recent runs, so its runs take turns, and ${waiting} are already waiting; retry later, or fix the rule`);
  }
}
