// Shared setup for pool-level tests: one small pool per test file, on a worker built from the
// current sources. Tests run the pool directly: the static analyzer is not involved, which
// proves the runtime layers alone.
import { afterAll, beforeAll } from "vitest";
import type { Limits, RunResult } from "../../contracts/run";
import { createRulePool, type RulePool, type RunTask } from "../pool";
import { buildTestPythonWorker, buildTestWorker } from "./build-worker";

export const TEST_LIMITS: Limits = { timeoutMs: 200, memoryMb: 64, maxOutputBytes: 65_536, maxLogBytes: 16_384 };
export const TEST_CLOCK = Date.UTC(2024, 0, 15, 12, 0, 0);

export type RunOptions = Partial<Omit<RunTask, "source" | "limits">> & { limits?: Partial<Limits> };

export interface PoolFixture {
  readonly pool: RulePool;
  run(source: string, options?: RunOptions): Promise<RunResult>;
}

/** Registers beforeAll/afterAll hooks that create and destroy a one-thread pool for this file. */
export function usePool(options: { maxThreads?: number } = {}): PoolFixture {
  return usePoolFor("javascript", options);
}

/**
 * The same for Python rules: a pool whose Python classes run the Python worker built from the
 * current sources (the JS worker is not started). `run` takes Python source.
 */
export function usePythonPool(options: { maxThreads?: number } = {}): PoolFixture {
  return usePoolFor("python", options);
}

function usePoolFor(language: "javascript" | "python", options: { maxThreads?: number }): PoolFixture {
  let pool: RulePool | undefined;
  beforeAll(async () => {
    const pythonWorkerFile = language === "python" ? await buildTestPythonWorker() : undefined;
    pool = createRulePool({ maxThreads: options.maxThreads ?? 1, workerFile: await buildTestWorker(), pythonWorkerFile });
    if (language === "python") await pool.warm(TEST_LIMITS.memoryMb, "python");
  });
  afterAll(async () => {
    await pool?.destroy();
  });
  return {
    get pool() {
      if (!pool) throw new Error("pool not created yet");
      return pool;
    },
    run(source, { limits, ...rest } = {}) {
      if (!pool) throw new Error("pool not created yet");
      return pool.run({ source, language, input: null, clock: TEST_CLOCK, ...rest, limits: { ...TEST_LIMITS, ...limits } });
    },
  };
}

/** A Python rule whose success shows the Python pool (and its interpreter) still serves. */
export const PYTHON_PROBE_RULE = "def rule(input, ctx):\n    return {'ok': True, 'input': input}\n";

/** A trivial rule whose success shows the pool (and its worker) still serves after an attack. */
export const PROBE_RULE = `export default function probe(input) { return { ok: true, input }; }`;
