import { describe, expect, it } from "vitest";
import { createRulePool } from "./pool";
import { buildTestWorker } from "./testing/build-worker";
import { PROBE_RULE, TEST_CLOCK, TEST_LIMITS, usePool } from "./testing/pool-fixture";

const fixture = usePool({ maxThreads: 2 });

describe("rule pool", () => {
  it("answers many concurrent runs, each with its own input, and counts them", async () => {
    const before = fixture.pool.stats();
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => fixture.run(`export default (input) => input.n * 2;`, { input: { n: i } })));
    expect(results.map((r) => r.output)).toEqual(Array.from({ length: 40 }, (_, i) => i * 2));
    const after = fixture.pool.stats();
    expect(after.completed - before.completed).toBe(40);
    expect(after.byOutcome.ok - before.byOutcome.ok).toBe(40);
    expect(after.threads).toBe(2);
    expect(after.queueSize).toBe(0);
  });

  it("runs queued behind a run that has to be killed still run, on a fresh worker", async () => {
    const hang = fixture.run(`export default () => new Promise(() => {});`);
    const others = Array.from({ length: 6 }, (_, i) => fixture.run(`export default (input) => input;`, { input: i }));
    expect(await hang).toMatchObject({ outcome: "timeout" });
    expect((await Promise.all(others)).map((r) => [r.outcome, r.output])).toEqual(Array.from({ length: 6 }, (_, i) => ["ok", i]));
  });

  it("keeps every run's own outcome when loops, hangs and normal runs are interleaved", async () => {
    const kinds = ["ok", "loop", "ok", "hang", "ok", "throw", "loop", "ok"] as const;
    const sources: Record<(typeof kinds)[number], string> = {
      ok: `export default (input) => input;`,
      loop: `export default () => { for (;;) {} };`,
      hang: `export default async () => { for (;;) await null; };`,
      throw: `export default () => { throw new Error("boom"); };`,
    };
    const expected = { ok: "ok", loop: "timeout", hang: "timeout", throw: "error" } as const;
    const results = await Promise.all(kinds.map((kind, i) => fixture.run(sources[kind], { input: i })));
    expect(results.map((r) => r.outcome)).toEqual(kinds.map((kind) => expected[kind]));
    results.forEach((r, i) => {
      if (kinds[i] === "ok") expect(r.output).toBe(i);
    });
  });

  it("keeps workers with different memory limits in separate pools", async () => {
    const threadsBefore = fixture.pool.stats().threads;
    const result = await fixture.run(PROBE_RULE, { limits: { memoryMb: 32 } });
    expect(result.outcome).toBe("ok");
    expect(fixture.pool.stats().threads).toBeGreaterThan(threadsBefore);
  });

  it("answers an input that is not JSON with an error, without a worker", async () => {
    const result = await fixture.run(PROBE_RULE, { input: { n: 1n } });
    expect(result).toMatchObject({ outcome: "error", error: { name: "InputError" }, clock: TEST_CLOCK });
  });
});

describe("pool warm-up", () => {
  it("resolves once every worker of the memory class has booted", async () => {
    const pool = createRulePool({ maxThreads: 2, workerFile: await buildTestWorker() });
    try {
      expect(pool.stats()).toMatchObject({ threads: 0, readyThreads: 0 });
      await pool.warm(TEST_LIMITS.memoryMb);
      expect(pool.stats()).toMatchObject({ threads: 2, readyThreads: 2 });
      await pool.warm(TEST_LIMITS.memoryMb); // already warm: resolves at once
    } finally {
      await pool.destroy();
    }
  });

  it("resolves when the workers cannot start, and runs then report why", async () => {
    const pool = createRulePool({ maxThreads: 2, workerFile: "/nonexistent/worker.cjs" });
    try {
      await pool.warm(TEST_LIMITS.memoryMb);
      expect(pool.stats().readyThreads).toBe(0);
      const result = await pool.run({ source: PROBE_RULE, language: "javascript", input: null, limits: TEST_LIMITS, clock: 1 });
      expect(result).toMatchObject({ outcome: "crashed", error: { name: "WorkerStartError" } });
    } finally {
      await pool.destroy();
    }
  });
});

describe("pool shutdown", () => {
  it("answers queued and running runs crashed on destroy, and later runs too", async () => {
    const pool = createRulePool({ maxThreads: 1, workerFile: await buildTestWorker() });
    const task = { source: `export default () => new Promise(() => {});`, language: "javascript" as const, input: null, limits: { ...TEST_LIMITS, timeoutMs: 5000 }, clock: 1 };
    const running = pool.run(task);
    const queued = pool.run({ ...task, source: PROBE_RULE });
    await new Promise((resolve) => setTimeout(resolve, 50));
    await pool.destroy();
    expect(await running).toMatchObject({ outcome: "crashed" });
    expect(await queued).toMatchObject({ outcome: "crashed" });
    expect(await pool.run({ ...task, source: PROBE_RULE })).toMatchObject({ outcome: "crashed", error: { name: "ExecutorClosed" } });
  });

  it("answers crashed when the worker file cannot start", async () => {
    const pool = createRulePool({ maxThreads: 1, workerFile: "/nonexistent/worker.cjs" });
    try {
      const result = await pool.run({ source: PROBE_RULE, language: "javascript", input: null, limits: TEST_LIMITS, clock: 1 });
      expect(result).toMatchObject({ outcome: "crashed", error: { name: "WorkerStartError" } });
    } finally {
      await pool.destroy();
    }
  });
});
