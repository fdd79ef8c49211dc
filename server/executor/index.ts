import "server-only";
// The app's door to the sandbox: analyze (fail closed) → resolve limits → run in the executor
// process (one supervisor per Node process, see singleton.ts).
import { hasBlockingDiagnostics } from "@/server/analysis/analyze";
import { analyzeOffThread, closeAnalysisPool } from "./analysis-pool";
import type { Language, LimitsInput, RunResult } from "@/server/contracts/run";
import { resolveLimits } from "../contracts/limits";
import { checkLanguageEnabled, pythonRulesEnabled } from "../contracts/languages";
import { executorGlobal, getSupervisor, staticCheckSkipped, warmUpExecutor as warmUpSupervisor } from "./singleton";
import type { ExecutorStats } from "./supervisor";

export { getLimitCaps, resolveLimits, LimitsError, type LimitCaps } from "../contracts/limits";
export { ExecutorBusyError, RuleThrottledError } from "./errors";
export type { ExecutorStats } from "./supervisor";
export type { LatencySnapshot } from "./run-stats";
export type { WallLayers } from "./launch-plan";
export { analyzeOffThread } from "./analysis-pool";
export { ruleCulprit } from "./culprit";

/** One run request; `clock` pins Date.now() for a replay, else the current time is used and recorded. */
export interface RunRuleRequest {
  source: string;
  language: Language;
  input: unknown;
  limits?: LimitsInput;
  clock?: number;
  /** Shown to the rule as ctx.ruleId / ctx.version. */
  ruleId?: string;
  version?: number;
  /** For a saved version, `ruleCulprit(ruleId)`: its trouble is held against the rule (culprit.ts). */
  culprit?: string;
}

/**
 * Runs a rule in the sandbox. Never throws for anything the rule does: its failure is the outcome.
 * @throws LimitsError when requested limits are malformed or above the server caps (HTTP 422).
 * @throws LanguageDisabledError for a Python rule where RULEBOX_PYTHON_RULES=off (HTTP 409).
 * @throws ExecutorBusyError when the executor queue is full or shutting down (HTTP 503).
 * @throws RuleThrottledError when this rule recently hit its limits and too many of its runs wait (HTTP 429).
 */
export async function runRule(req: RunRuleRequest): Promise<RunResult> {
  // Limits first: a malformed request is the caller's error whatever the source says.
  const limits = resolveLimits(req.limits);
  checkLanguageEnabled(req.language);
  const clock = req.clock ?? Date.now();
  if (!staticCheckSkipped()) {
    const diagnostics = await analyzeOffThread(req.source, req.language);
    if (hasBlockingDiagnostics(diagnostics)) {
      const g = executorGlobal();
      g.blockedByAnalysis = (g.blockedByAnalysis ?? 0) + 1;
      return { outcome: "blocked", diagnostics, logs: [], durationMs: 0, clock };
    }
  }
  return getSupervisor().run({ source: req.source, language: req.language, input: req.input, limits, clock, ruleId: req.ruleId, version: req.version, ...(req.culprit !== undefined ? { culprit: req.culprit } : {}) });
}

/**
 * Python rules are in use: the executors load their Python interpreters now, in the background,
 * instead of on the first Python run (server/startup.ts when RULEBOX_PYTHON_RULES=on; the routes
 * that create or save one). A server with Python rules off never loads one.
 */
export function preparePython(): void {
  if (!pythonRulesEnabled()) return;
  try {
    getSupervisor().preparePython();
  } catch {
    // Misconfigured remote executors (getSupervisor throws): a hint must not fail the start or a
    // save; runs answer 503 naming the setting.
  }
}

/** Executor health for /api/health and /api/metrics (asks each child for its pool stats, bounded at 1 s). `runsByOutcome` includes runs blocked by the static check. */
export async function getExecutorStats(): Promise<ExecutorStats & { staticCheck: "on" | "skipped" }> {
  const stats = await getSupervisor().stats();
  // The supervisor counts what it answered; runs the static check refused never reached it.
  const runsByOutcome = { ...stats.runsByOutcome, blocked: stats.runsByOutcome.blocked + (executorGlobal().blockedByAnalysis ?? 0) };
  return { ...stats, runsByOutcome, staticCheck: staticCheckSkipped() ? "skipped" : "on" };
}

/** Stops taking work, lets in-flight runs finish for up to graceMs, then ends the executor processes. */
export async function shutdownExecutor(graceMs = 5_000): Promise<void> {
  const g = executorGlobal();
  const supervisor = g.supervisor;
  // Not awaited: piscina's threads are unref'd, so awaiting their exit can leave the event loop
  // with nothing to wait for (the process would end before the shutdown finished).
  void closeAnalysisPool().catch(() => undefined);
  if (!supervisor) return;
  await supervisor.shutdown(graceMs);
}

/**
 * Starts the executor and the policy check's first thread (it loads the parsers, ~0.2 s) and waits
 * (bounded) for the executor to be ready; never throws. Called from instrumentation.ts.
 */
export async function warmUpExecutor(timeoutMs = 15_000): Promise<boolean> {
  void analyzeOffThread("export default (input: unknown) => input;", "typescript").catch(() => undefined);
  return warmUpSupervisor(timeoutMs);
}
