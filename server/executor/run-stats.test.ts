import { describe, expect, it } from "vitest";
import { RunStats, addPoolTotals, crashed, emptyPoolTotals } from "./run-stats";

describe("RunStats", () => {
  it("counts answers by outcome and their latency in non-cumulative buckets", () => {
    const stats = new RunStats();
    stats.record("ok", 0.1);
    stats.record("ok", 3);
    stats.record("timeout", 20_000);
    stats.record("crashed");
    expect(stats.runsByOutcome()).toEqual({ ok: 2, error: 0, timeout: 1, memory: 0, output_limit: 0, blocked: 0, crashed: 1 });
    const latency = stats.latencySnapshot();
    expect(latency.bucketsMs).toEqual([0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000]);
    expect(latency.counts).toHaveLength(latency.bucketsMs.length + 1);
    expect(latency.counts[0]).toBe(1);
    expect(latency.counts[4]).toBe(1);
    expect(latency.counts.at(-1)).toBe(1);
    expect(latency).toMatchObject({ sumMs: 20_003.1, count: 3 });
  });

  it("hands out copies", () => {
    const stats = new RunStats();
    stats.runsByOutcome().ok = 5;
    stats.latencySnapshot().counts[0] = 5;
    expect(stats.runsByOutcome().ok).toBe(0);
    expect(stats.latencySnapshot().counts[0]).toBe(0);
  });
});

describe("addPoolTotals", () => {
  it("sums pools, tolerating a host that reports neither readyThreads nor byOutcome", () => {
    const totals = emptyPoolTotals();
    addPoolTotals(totals, { threads: 2, readyThreads: 2, queueSize: 1, completed: 10, workerRestarts: 1, byOutcome: { ok: 9, timeout: 1 } });
    addPoolTotals(totals, { threads: 1, queueSize: 0, completed: 3, workerRestarts: 0 });
    expect(totals).toEqual({ threads: 3, readyThreads: 2, queueSize: 1, completed: 13, workerRestarts: 1, byOutcome: { ok: 9, error: 0, timeout: 1, memory: 0, output_limit: 0, blocked: 0, crashed: 0 } });
  });
});

describe("crashed", () => {
  it("is the executor's failure, with a duration only when the run was sent", () => {
    expect(crashed(42, "gone")).toEqual({ outcome: "crashed", logs: [], durationMs: 0, clock: 42, error: { name: "ExecutorError", message: "gone", frames: [] } });
    expect(crashed(42, "gone", performance.now() - 50).durationMs).toBeGreaterThanOrEqual(50);
  });
});
