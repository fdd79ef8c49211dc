// Python interpreters are loaded only where Python rules are in use (issue 11, "a lighter
// footprint"): an executor starts without one (each costs ~3 s of CPU and ~100 MB), loads it in the
// background once the app calls preparePython() (or runs a Python rule), and loads it again after a
// restart. Drives a real supervisor with RULEBOX_POOL_PYTHON_MIN_THREADS=1 (the production default).
import { execFileSync } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ExecutorSupervisor } from "./supervisor";

const ROOT = path.resolve(__dirname, "../..");
const LIMITS = { timeoutMs: 20_000, memoryMb: 64, maxOutputBytes: 65_536, maxLogBytes: 16_384 };

/** Polls the pool totals until `done` holds (interpreters load in the background; no event says when). */
async function until(supervisor: ExecutorSupervisor, done: (pool: { threads: number; readyThreads: number }) => boolean, timeoutMs = 60_000) {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const { pool } = await supervisor.stats();
    if (done(pool)) return pool;
    if (performance.now() > deadline) throw new Error(`pool never reached the expected state: ${JSON.stringify(pool)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe("Python interpreters on demand", () => {
  let supervisor: ExecutorSupervisor;

  beforeAll(async () => {
    execFileSync(process.execPath, [path.join(ROOT, "scripts/build-executor.mjs"), "--quiet", "--if-stale"], { stdio: "inherit" });
    supervisor = new ExecutorSupervisor({
      distDir: path.join(ROOT, ".executor-dist"),
      log: () => {},
      env: { ...process.env, RULEBOX_EXECUTORS: "2", RULEBOX_POOL_PYTHON_MIN_THREADS: "1", RULEBOX_PYTHON_RULES: "on" },
    });
    await supervisor.ready(60_000, { all: true });
  });

  afterAll(async () => {
    await supervisor?.shutdown(1_000);
  });

  it("starts without interpreters, loads one per executor when asked, and again after a restart", async () => {
    const booted = await supervisor.stats();
    const jsThreads = booted.pool.threads;
    expect(booted.executors).toHaveLength(2);
    // Every JavaScript worker is up and nothing else was started.
    const idle = await until(supervisor, (pool) => pool.readyThreads === jsThreads);
    expect(idle.threads).toBe(jsThreads);

    supervisor.preparePython();
    supervisor.preparePython(); // idempotent
    await until(supervisor, (pool) => pool.threads === jsThreads + 2 && pool.readyThreads === jsThreads + 2);
    const run = await supervisor.run({ source: "def rule(input, ctx):\n    return input * 2\n", language: "python", input: 21, limits: LIMITS, clock: 0 });
    expect(run).toMatchObject({ outcome: "ok", output: 42 });

    const victim = (await supervisor.stats()).executors[0]!.pid!;
    process.kill(victim, "SIGKILL");
    const deadline = performance.now() + 30_000;
    while ((await supervisor.stats()).executors[0]!.pid === victim && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    await supervisor.ready(30_000, { all: true });
    const after = await until(supervisor, (pool) => pool.threads === jsThreads + 2 && pool.readyThreads === jsThreads + 2);
    expect(after.threads).toBe(jsThreads + 2);
    expect((await supervisor.stats()).executors[0]!.pid).not.toBe(victim);
  }, 120_000);
});
