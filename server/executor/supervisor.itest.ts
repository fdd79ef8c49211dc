// Fault timing for the process wall (issue 5, "Faults"): kill -9 an executor process with runs in
// flight → those runs come back `crashed`, the supervisor restarts it, and the next run succeeds
// within 1 s. Uses the default configuration (RULEBOX_EXECUTORS, 2 unless set) and drives the
// supervisor directly; the recording of `crashed` runs through HTTP is the API suite's concern.
import { execFileSync } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ExecutorSupervisor } from "./supervisor";

const ROOT = path.resolve(__dirname, "../..");
// A generous time guard: this test is about process faults, and on a loaded 2-core CI box a busy run
// queued behind others must not end `timeout` and be mistaken for a fault.
const LIMITS = { timeoutMs: 20_000, memoryMb: 64, maxOutputBytes: 65_536, maxLogBytes: 16_384 };
const task = (source: string, input: unknown = null) => ({ source, language: "javascript" as const, input, limits: LIMITS, clock: 0 });
const ECHO = "export default (input) => input;";
const BUSY = "export default (n) => { let x = 0; for (let i = 0; i < n; i++) x += i; return x; };";

describe("executor process faults", () => {
  let supervisor: ExecutorSupervisor;

  beforeAll(async () => {
    execFileSync(process.execPath, [path.join(ROOT, "scripts/build-executor.mjs"), "--quiet", "--if-stale"], { stdio: "inherit" });
    supervisor = new ExecutorSupervisor({ distDir: path.join(ROOT, ".executor-dist"), log: () => {} });
    await supervisor.ready(60_000, { all: true });
  });

  afterAll(async () => {
    await supervisor?.shutdown(1_000);
  });

  it("serves the next run within 1 s of a kill -9, with the runs in flight there answered `crashed`", async () => {
    const executors = (await supervisor.stats()).executors.length;
    for (let round = 0; round < 3; round++) {
      const before = await supervisor.stats();
      const pid = before.executors[0]!.pid!;
      // Busy runs (a few tens of ms each), spread over the children by least-loaded dispatch.
      const inFlight = Array.from({ length: 3 * executors }, () => supervisor.run(task(BUSY, 2e7)));
      await supervisor.ping(); // every child has received its share
      const killedAt = performance.now();
      process.kill(pid, "SIGKILL");
      // The next run, sent at once (it may still land on the dying child and come back crashed).
      let next = await supervisor.run(task(ECHO, round));
      while (next.outcome === "crashed" && performance.now() - killedAt < 5_000) next = await supervisor.run(task(ECHO, round));
      const recoveredMs = performance.now() - killedAt;
      expect(next).toMatchObject({ outcome: "ok", output: round });
      expect(recoveredMs).toBeLessThan(1_000);
      const results = await Promise.all(inFlight);
      // The victim's runs crash (with the signal named); a surviving child's runs finish normally.
      const crashed = results.filter((r) => r.outcome === "crashed");
      expect(crashed.length).toBeGreaterThanOrEqual(1);
      for (const r of crashed) expect(r.error?.message).toMatch(/SIGKILL/);
      expect(results.filter((r) => r.outcome !== "crashed" && r.outcome !== "ok").map((r) => [r.outcome, r.error?.message])).toEqual([]);
      await supervisor.ready(30_000, { all: true });
      const after = await supervisor.stats();
      expect(after.executorRestarts).toBe(before.executorRestarts + 1);
      expect(after.executors[0]!.pid).not.toBe(pid);
    }
  });
});
