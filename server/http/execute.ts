import "server-only";
// The production path for other systems, shared by POST /api/rules/:id/execute (one input) and
// POST /api/rules/:id/execute/batch (many): resolve the published (or pinned) version, run it within the current
// caps, record the run (asynchronously, in batches: server/db/run-recorder.ts).
import type { Limits, RunResult } from "@/server/contracts/run";
import { getExecutable } from "@/server/db/executable";
import { recordApiRun } from "@/server/db/runs";
import type { VersionDetail } from "@/server/db/versions";
import { getLimitCaps, ruleCulprit, runRule } from "@/server/executor";
import { checkLanguageEnabled } from "@/server/contracts/languages";
import { AppError, conflict, notFound, toExecutorRefusal, validationFailed } from "./errors";

/** The saved version an execute request runs. */
export interface ExecuteTarget {
  ruleId: string;
  version: VersionDetail;
}

/** What one executed input answers: the run's result, its record id (null if sampled out), the version. */
export type ExecutedRun = RunResult & { runId: string | null; version: number };

/** Runs of one batch in flight at once: enough to keep every worker busy, few enough to leave the queue to others. */
export const BATCH_CONCURRENCY = 16;

/**
 * The rule's published (or pinned) saved version; 404 when the rule or a pinned version does not
 * exist, 409 when the rule is archived or was never published.
 */
export async function resolveExecuteTarget(ruleId: string, versionNumber?: number): Promise<ExecuteTarget> {
  const rule = await getExecutable(ruleId, versionNumber);
  if (!rule) throw notFound(`rule ${ruleId} not found`);
  if (rule.archived) throw conflict(`rule ${ruleId} is archived; restore it to execute it`);
  if (versionNumber === undefined && rule.publishedVersion === null) {
    throw new AppError("conflict", `rule ${ruleId} is not published: no version is live yet. Publish one (POST /api/rules/${ruleId}/publish { "version": n }), or pin a version in the request.`, { reason: "not_published" });
  }
  if (!rule.version) throw notFound(`version ${versionNumber ?? rule.publishedVersion} of rule ${rule.ruleId} not found`);
  // Before anything runs (a batch is refused whole): 409 language_disabled.
  checkLanguageEnabled(rule.version.language);
  return { ruleId: rule.ruleId, version: rule.version };
}

// A version keeps the limits it was saved with; if an operator lowered the caps since, the caps win.
export function clampToCaps(limits: Limits): Limits {
  const { caps } = getLimitCaps();
  return {
    timeoutMs: Math.min(limits.timeoutMs, caps.timeoutMs),
    memoryMb: Math.min(limits.memoryMb, caps.memoryMb),
    maxOutputBytes: Math.min(limits.maxOutputBytes, caps.maxOutputBytes),
    maxLogBytes: Math.min(limits.maxLogBytes, caps.maxLogBytes),
  };
}

/**
 * Runs the target on one input and records it (trigger "api"). Throws only when the run could not
 * start: ExecutorBusyError (503) or RuleThrottledError (429). A lost record is logged, not thrown:
 * the caller still gets the result it waited for.
 */
export async function executeInput(target: ExecuteTarget, input: unknown): Promise<ExecutedRun> {
  const { ruleId, version } = target;
  const result = await runRule({
    source: version.source,
    language: version.language,
    input,
    limits: clampToCaps(version.limits),
    ruleId,
    version: version.number,
    culprit: ruleCulprit(ruleId),
  });
  let runId: string | null = null;
  try {
    runId = await recordApiRun({ ruleId, versionNumber: version.number, source: null, sourceHash: version.sha256, language: version.language, trigger: "api", input, result });
  } catch (err) {
    console.error(`[rulebox] could not record an api run of rule ${ruleId} v${version.number}`, err);
  }
  return { ...result, runId, version: version.number };
}

/** One entry of a batch answer: the run, or why it was not started (retry those). */
export type BatchEntry = ExecutedRun | { refused: { code: AppError["code"]; message: string } };

/** Most a batch answer may hold (bytes, roughly): results are built in memory and sent as one JSON. */
export const BATCH_RESPONSE_BUDGET_BYTES = 128 * 1024 * 1024;
/** Room for a result's own fields, error and diagnostics beside its output and logs. */
const RESULT_OVERHEAD_BYTES = 8 * 1024;

/**
 * Refuses (422) a batch whose answer could outgrow BATCH_RESPONSE_BUDGET_BYTES under the version's
 * limits, before anything runs: a rule allowed 1 MiB of output and 256 KiB of logs per run would
 * otherwise build a 1.3 GB answer from 1,000 inputs (found by an adversarial review: the app ran
 * out of memory). With the default limits, 1,000 inputs fit.
 */
export function checkBatchBudget(target: ExecuteTarget, inputs: number): void {
  const limits = clampToCaps(target.version.limits);
  const perRun = limits.maxOutputBytes + limits.maxLogBytes + RESULT_OVERHEAD_BYTES;
  const most = Math.max(1, Math.floor(BATCH_RESPONSE_BUDGET_BYTES / perRun));
  if (inputs <= most) return;
  const message = `this rule's limits let each result hold up to ${Math.ceil(perRun / 1024)} KiB (maxOutputBytes + maxLogBytes), and a batch answer at most ${BATCH_RESPONSE_BUDGET_BYTES / (1024 * 1024)} MiB: send at most ${most} inputs per request for it`;
  throw validationFailed(`inputs: ${message}`, [{ path: ["inputs"], message, code: "too_big" }]);
}

/**
 * Runs the target on every input, BATCH_CONCURRENCY at a time, answering in input order. An input
 * whose run could not start (executor queue full, the rule's runs throttled) is answered as
 * refused; the others still run. Anything else thrown is a server fault and propagates.
 */
export async function executeBatch(target: ExecuteTarget, inputs: readonly unknown[]): Promise<BatchEntry[]> {
  const entries = new Array<BatchEntry>(inputs.length);
  let next = 0;
  const lane = async () => {
    while (next < inputs.length) {
      const index = next++;
      try {
        entries[index] = await executeInput(target, inputs[index]);
      } catch (err) {
        const refused = toExecutorRefusal(err);
        if (!refused) throw err;
        entries[index] = { refused: { code: refused.code, message: refused.message } };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(BATCH_CONCURRENCY, inputs.length) }, lane));
  return entries;
}
