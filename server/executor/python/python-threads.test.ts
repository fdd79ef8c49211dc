// How many interpreters a Python class loads: one up front (each costs ~3 s of CPU and tens of
// MB), more only when Python runs queue, up to maxThreads.
import { afterAll, beforeAll, expect, it } from "vitest";
import { createRulePool, type RulePool } from "../pool";
import { buildTestPythonWorker, buildTestWorker } from "../testing/build-worker";
import { PYTHON_PROBE_RULE, TEST_CLOCK, TEST_LIMITS } from "../testing/pool-fixture";

let pool: RulePool;
beforeAll(async () => {
  pool = createRulePool({ maxThreads: 2, minThreads: 2, workerFile: await buildTestWorker(), pythonWorkerFile: await buildTestPythonWorker() });
  await pool.warm(TEST_LIMITS.memoryMb, "python");
});
afterAll(() => pool.destroy());

it("loads one interpreter up front and a second only when Python runs queue", async () => {
  expect(pool.stats()).toMatchObject({ threads: 1, readyThreads: 1 });
  const run = (input: number) => pool.run({ source: PYTHON_PROBE_RULE, language: "python", input, limits: TEST_LIMITS, clock: TEST_CLOCK });
  const results = await Promise.all(Array.from({ length: 6 }, (_, i) => run(i)));
  expect(results.map((r) => r.outcome)).toEqual(Array(6).fill("ok"));
  expect(pool.stats().threads).toBe(2);
});

it("with pythonMinThreads 0, loads no interpreter until the first Python run, which waits for one", async () => {
  const lazy = createRulePool({ maxThreads: 2, pythonMinThreads: 0, workerFile: await buildTestWorker(), pythonWorkerFile: await buildTestPythonWorker() });
  try {
    await lazy.warm(TEST_LIMITS.memoryMb, "python");
    expect(lazy.stats().threads).toBe(0);
    const result = await lazy.run({ source: PYTHON_PROBE_RULE, language: "python", input: 1, limits: TEST_LIMITS, clock: TEST_CLOCK });
    expect(result).toMatchObject({ outcome: "ok", output: { ok: true, input: 1 } });
    expect(lazy.stats().threads).toBe(1);
  } finally {
    await lazy.destroy();
  }
});
