// Run statistics, one implementation for everything that answers runs: the supervisor (local
// children), the remote client (executor hosts) and the remote host. Runs by outcome and the
// app-side latency histogram as reported in /api/health and /api/metrics (server/http/metrics.ts),
// the pool totals summed over children or hosts, and the `crashed` answer given when the executor,
// not the rule, failed.
// No "server-only": bundled into the executor host and driven by unit tests.
import type { Outcome, RunResult } from "../contracts/run";
import type { PoolStats } from "./pool";

/** Non-cumulative bucket counts; `counts[i]` holds runs ≤ `bucketsMs[i]`, the last entry those above. */
export interface LatencySnapshot {
  bucketsMs: number[];
  counts: number[];
  sumMs: number;
  count: number;
}

/** The executors' pools, summed (ExecutorStats.pool): the same shape as one pool's stats. */
export type PoolTotals = PoolStats;

const LATENCY_BUCKETS_MS = [0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000];

class LatencyHistogram {
  private readonly counts = new Array<number>(LATENCY_BUCKETS_MS.length + 1).fill(0);
  private sumMs = 0;
  private count = 0;

  observe(ms: number): void {
    let i = 0;
    while (i < LATENCY_BUCKETS_MS.length && ms > LATENCY_BUCKETS_MS[i]!) i++;
    this.counts[i]! += 1;
    this.sumMs += ms;
    this.count += 1;
  }

  snapshot(): LatencySnapshot {
    return { bucketsMs: [...LATENCY_BUCKETS_MS], counts: [...this.counts], sumMs: this.sumMs, count: this.count };
  }
}

/** Every answer an executor gave, by outcome, and how long each took (submit → answer). */
export class RunStats {
  private readonly byOutcome = emptyByOutcome();
  private readonly latency = new LatencyHistogram();

  /** Counts one answer; its latency too unless it was given without queueing (a refused quarantined rule). */
  record(outcome: Outcome, latencyMs?: number): void {
    this.byOutcome[outcome] += 1;
    if (latencyMs !== undefined) this.latency.observe(latencyMs);
  }

  /** ExecutorStats.runsByOutcome (a copy). */
  runsByOutcome(): Record<Outcome, number> {
    return { ...this.byOutcome };
  }

  /** ExecutorStats.runLatencyMs (a copy). */
  latencySnapshot(): LatencySnapshot {
    return this.latency.snapshot();
  }
}

/** A zero for every outcome. */
export function emptyByOutcome(): Record<Outcome, number> {
  return { ok: 0, error: 0, timeout: 0, memory: 0, output_limit: 0, blocked: 0, crashed: 0 };
}

/** Pool totals with nothing added yet. */
export function emptyPoolTotals(): PoolTotals {
  return { threads: 0, readyThreads: 0, queueSize: 0, completed: 0, workerRestarts: 0, byOutcome: emptyByOutcome() };
}

/**
 * Adds one child's or one host's pool stats to `totals`. Tolerates fields a host of an older
 * version does not report (readyThreads, byOutcome).
 */
export function addPoolTotals(totals: PoolTotals, pool: Omit<PoolTotals, "readyThreads" | "byOutcome"> & { readyThreads?: number; byOutcome?: Partial<Record<Outcome, number>> }): void {
  totals.threads += pool.threads;
  totals.readyThreads += pool.readyThreads ?? 0;
  totals.queueSize += pool.queueSize;
  totals.completed += pool.completed;
  totals.workerRestarts += pool.workerRestarts;
  for (const [outcome, n] of Object.entries(pool.byOutcome ?? {}) as [Outcome, number][]) totals.byOutcome[outcome] += n;
}

/**
 * The answer for a run the executor failed (died, stopped answering, refused it): never the rule's
 * own outcome. `since` (performance.now() when the run was sent) gives it a duration; else 0.
 */
export function crashed(clock: number, message: string, since?: number): RunResult {
  const durationMs = since === undefined ? 0 : performance.now() - since;
  return { outcome: "crashed", logs: [], durationMs, clock, error: { name: "ExecutorError", message, frames: [] } };
}
