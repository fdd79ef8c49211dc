// The process wall, driven for real: builds the executor bundle, spawns children through the
// supervisor, and attacks the process itself (kill -9, a V8 process abort, a full queue).
// No timing assertions here; restart latency is asserted in supervisor.itest.ts.
import { execFileSync, spawn } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunResult } from "../contracts/run";
import { ExecutorBusyError, RuleThrottledError } from "./errors";
import { buildExecutorEnv } from "./launch-plan";
import { ExecutorSupervisor, computeRestartDelay } from "./supervisor";

const ROOT = path.resolve(__dirname, "../..");
const LIMITS = { timeoutMs: 2000, memoryMb: 64, maxOutputBytes: 65_536, maxLogBytes: 16_384 };
const ECHO = "export default function echo(input) { return input; }";
const NEVER_SETTLES = "export default function stall() { return new Promise(() => {}); }";
// A growing Map makes V8 abort the whole process at the worker's heap limit instead of ending only
// the worker (nodejs/node#47224): "FATAL ERROR: Reached heap limit", SIGABRT. Checked on Node 20.
const MAP_HEAP_BOMB = "export default function bomb() { const m = new Map(); for (let i = 0; ; i++) m.set(i, i); }";

function task(source: string, input: unknown = null, limits = LIMITS) {
  return { source, language: "javascript" as const, input, limits, clock: 1_700_000_000_000 };
}

/** Tests may point at a prebuilt bundle; by default the real one is (re)built when stale. */
function buildExecutorForTests(): string {
  const prebuilt = process.env.RULEBOX_TEST_EXECUTOR_DIST;
  if (prebuilt) return path.resolve(ROOT, prebuilt);
  execFileSync(process.execPath, [path.join(ROOT, "scripts/build-executor.mjs"), "--quiet", "--if-stale"], { stdio: "inherit" });
  return path.join(ROOT, ".executor-dist");
}

describe("buildExecutorEnv", () => {
  it("passes only the allowlisted settings and pins TZ", () => {
    const env = buildExecutorEnv({
      NODE_ENV: "production",
      DATABASE_URL: "postgres://user:pw@db/rulebox",
      RULEBOX_DEFAULT_TIMEOUT_MS: "500",
      RULEBOX_POOL_MAX_THREADS: "2",
      RULEBOX_POOL_API_KEY: "should-not-pass",
      RULEBOX_SESSION_SECRET: "nope",
      AWS_SECRET_ACCESS_KEY: "nope",
      HOME: "/root",
      PATH: "/usr/bin",
      NODE_OPTIONS: "--require /tmp/evil.js",
      TZ: "Europe/Paris",
    });
    expect(env).toEqual({ NODE_ENV: "production", RULEBOX_DEFAULT_TIMEOUT_MS: "500", RULEBOX_POOL_MAX_THREADS: "2", TZ: "UTC" });
  });
});

describe("computeRestartDelay", () => {
  it("restarts an isolated crash at once and backs off when crashes repeat, up to a cap", () => {
    const delays = [1, 2, 3, 4, 10, 100].map(computeRestartDelay);
    expect(delays.slice(0, 2)).toEqual([0, 0]);
    expect(delays[2]).toBeGreaterThan(0);
    for (let i = 1; i < delays.length; i++) expect(delays[i]).toBeGreaterThanOrEqual(delays[i - 1]!);
    expect(delays.at(-1)).toBe(5_000);
  });
});

describe("ExecutorSupervisor without a bundle", () => {
  it("answers runs `crashed` with the reason instead of hanging", async () => {
    const supervisor = new ExecutorSupervisor({ distDir: path.join(ROOT, "does-not-exist"), log: () => {} });
    await expect(supervisor.ready(5_000)).rejects.toThrow(/build-executor/);
    const result = await supervisor.run(task(ECHO));
    expect(result.outcome).toBe("crashed");
    expect(result.error?.message).toMatch(/could not start.*build-executor/);
  });
});

describe("ExecutorSupervisor (live child process)", () => {
  let distDir: string;
  let supervisor: ExecutorSupervisor;
  const logs: string[] = [];

  beforeAll(async () => {
    distDir = buildExecutorForTests();
    supervisor = new ExecutorSupervisor({
      distDir,
      executors: 1,
      env: { ...process.env, DATABASE_URL: "file:./secret.db", RULEBOX_SESSION_SECRET: "s3cret" },
      log: (_level, message) => logs.push(message),
    });
    await supervisor.ready(30_000);
  });

  afterAll(async () => {
    await supervisor?.shutdown(1_000);
  });

  it("runs a rule and returns its validated result", async () => {
    const result = await supervisor.run(task(ECHO, { a: [1, 2, 3] }));
    expect(result).toMatchObject({ outcome: "ok", output: { a: [1, 2, 3] }, clock: 1_700_000_000_000 });
    const stats = await supervisor.stats();
    expect(stats.runsByOutcome.ok).toBeGreaterThanOrEqual(1);
    expect(stats.runLatencyMs.count).toBe(Object.values(stats.runsByOutcome).reduce((a, b) => a + b, 0));
    expect(stats.runLatencyMs.counts.reduce((a, b) => a + b, 0)).toBe(stats.runLatencyMs.count);
  });

  it("refuses a Python run in the executor itself while Python rules are off (the default)", async () => {
    expect(process.env.RULEBOX_PYTHON_RULES ?? "").not.toBe("on");
    const result = await supervisor.run({ ...task("def rule(input, ctx):\n    return 1\n", null), language: "python" });
    expect(result).toMatchObject({ outcome: "crashed", error: { message: expect.stringMatching(/Python rules are turned off on this server/) } });
    expect((await supervisor.stats()).pool.threads).toBe((await supervisor.stats()).pool.readyThreads); // no interpreter started
  });

  it("answers a malformed task `crashed` without failing the other runs of its batch", async () => {
    const [bad, good] = await Promise.all([supervisor.run({ ...task(ECHO, 1), language: "cobol" } as never), supervisor.run(task(ECHO, 2))]);
    expect(bad).toMatchObject({ outcome: "crashed", error: { message: expect.stringMatching(/malformed run/) } });
    expect(good).toMatchObject({ outcome: "ok", output: 2 });
  });

  it("spawns the child behind the permission model with a scrubbed environment", async () => {
    const wall = supervisor.childWall();
    expect(wall).toMatchObject({ permissionModel: true, fsWriteDenied: true, childProcessDenied: true });
    expect(wall!.envKeys).not.toContain("DATABASE_URL");
    expect(wall!.envKeys).not.toContain("RULEBOX_SESSION_SECRET");
    expect(wall!.envKeys).not.toContain("PATH");
    const stats = await supervisor.stats();
    expect(stats.wall?.permissionModel.applied).toBe(true);
    expect(stats.wall?.permissionModel.fsRead.every((p) => p === distDir || p.startsWith(path.join(ROOT, "node_modules")))).toBe(true);
    expect(stats.wall?.confirmedByChild).toEqual({ permissionModel: true, fsWriteDenied: true, childProcessDenied: true });
    // Each optional layer is either applied or carries the reason it was not.
    expect(stats.wall!.prlimit.applied || Boolean(stats.wall!.prlimit.reason)).toBe(true);
    expect(stats.wall!.networkNamespace.applied || Boolean(stats.wall!.networkNamespace.reason)).toBe(true);
  });

  it("leaves the child's life to the app: SIGTERM/SIGINT sent to the process group do not end it", async () => {
    const before = await supervisor.stats();
    const pid = before.executors[0]!.pid!;
    process.kill(pid, "SIGTERM");
    process.kill(pid, "SIGINT");
    const [roundTrip] = await supervisor.ping(); // ordered after the signals were handled, or null if it died
    expect(roundTrip).not.toBeNull();
    expect(await supervisor.run(task(ECHO, "still here"))).toMatchObject({ outcome: "ok", output: "still here" });
    const after = await supervisor.stats();
    expect(after.executors[0]!.pid).toBe(pid);
    expect(after.executorRestarts).toBe(before.executorRestarts);
  });

  it("answers runs in flight `crashed` when the child is killed with SIGKILL, restarts it, and serves again", async () => {
    const before = await supervisor.stats();
    const pid = before.executors[0]!.pid!;
    const victim = `${NEVER_SETTLES}\n// killed from outside`;
    const inFlight = [supervisor.run(task(victim)), supervisor.run(task(victim))];
    await supervisor.ping(); // the child has received both runs
    process.kill(pid, "SIGKILL");
    const results = await Promise.all(inFlight);
    for (const result of results) {
      expect(result.outcome).toBe("crashed");
      expect(result.error?.message).toMatch(/SIGKILL/);
      expect(result.durationMs).toBeGreaterThan(0); // the time it was in flight, not 0
    }
    const next = await supervisor.run(task(ECHO, "after"));
    expect(next).toMatchObject({ outcome: "ok", output: "after" });
    const after = await supervisor.stats();
    expect(after.executorRestarts).toBe(before.executorRestarts + 1);
    expect(after.executors[0]!.pid).not.toBe(pid);
    expect(after.executors[0]!.lastExit).toMatchObject({ signal: "SIGKILL" });
    // A kill from outside is not the rule's doing: it does not make the rule noisy (its next runs
    // keep the ordinary lane), unlike a timeout or a process abort.
    expect(after.noisy.rules).toBe(before.noisy.rules);
  });

  it("survives heap shapes that abort the whole executor (nodejs/node#47224), then quarantines their rule", async () => {
    // This shape sometimes ends as `memory` (the worker's limit caught it) and sometimes aborts the
    // process (SIGABRT); run it until it has aborted twice, which must get it quarantined.
    const bombLimits = { ...LIMITS, timeoutMs: 10_000, memoryMb: 32 };
    let aborts = 0;
    let bystanderChecked = false;
    for (let attempt = 0; attempt < 8 && aborts < 2; attempt++) {
      const before = await supervisor.stats();
      // A fresh program each attempt (a comment would not do: culprit.ts): a bystander that timed
      // out before would be a noisy rule, and runs of noisy rules take turns (noisy-rules.ts), so it
      // would never share the bomb's process.
      const bystander = bystanderChecked ? undefined : supervisor.run(task(`${NEVER_SETTLES}\nvoid ${attempt};`, null, { ...LIMITS, timeoutMs: 10_000 }));
      const bomb = await supervisor.run(task(MAP_HEAP_BOMB, null, bombLimits));
      expect(["crashed", "memory"]).toContain(bomb.outcome);
      if (bomb.outcome === "crashed") {
        aborts += 1;
        // SIGSEGV where the PID namespace applied: the executor is PID 1 there, the kernel drops a
        // self-sent SIGABRT for it, and glibc's abort() then ends the process with SIGSEGV.
        expect(bomb.error?.message).toMatch(/SIGABRT|SIGSEGV|exit code 134/);
        if (bystander) {
          expect((await bystander).outcome).toBe("crashed");
          bystanderChecked = true;
        }
      }
      // The app keeps serving either way, on a restarted child if needed.
      expect(await supervisor.run(task(ECHO, attempt))).toMatchObject({ outcome: "ok", output: attempt });
      if (bomb.outcome === "crashed") expect((await supervisor.stats()).executorRestarts).toBe(before.executorRestarts + 1);
    }
    if (aborts < 2) return; // the worker's limit caught the shape every time here: nothing to quarantine
    const before = await supervisor.stats();
    expect(before.quarantinedRules).toBeGreaterThanOrEqual(1);
    const refused = await supervisor.run(task(MAP_HEAP_BOMB, null, bombLimits));
    expect(refused.outcome).toBe("crashed");
    expect(refused.error?.message).toMatch(/refused until/);
    // Reformatting or commenting the source does not make it a new culprit (adversarial review).
    const reformatted = await supervisor.run(task(`/* v2 */\n${MAP_HEAP_BOMB.replace(/ /g, "  ")}\n// again`, null, bombLimits));
    expect(reformatted.error?.message).toMatch(/refused until/);
    expect(await supervisor.run(task(ECHO, "fine"))).toMatchObject({ outcome: "ok", output: "fine" });
    expect((await supervisor.stats()).executorRestarts).toBe(before.executorRestarts);
  }, 120_000);

  it("lets runs of a rule that hit its limits take turns, while other runs pass them", async () => {
    const local = new ExecutorSupervisor({ distDir, executors: 2, env: { ...process.env, RULEBOX_NOISY_QUEUE: "1" }, log: () => {} });
    try {
      await local.ready(30_000);
      const loop = (n: number) => task(`export default function spin() { for (;;) {} }`, n, { ...LIMITS, timeoutMs: 300 });
      // Unknown so far: it runs like any rule, and its timeout marks it noisy.
      expect((await local.run(loop(0))).outcome).toBe("timeout");
      const finished: string[] = [];
      const track = (name: string, run: Promise<RunResult>) => run.then((r) => (finished.push(name), r));
      const first = track("loop 1", local.run(loop(1)));
      const second = track("loop 2", local.run(loop(2)));
      const during = await local.stats();
      expect(during.noisy).toEqual({ rules: 1, inFlight: 1, waiting: 1 });
      // The noisy lane's queue holds one: a third is refused at once (HTTP 429 at the API).
      await expect(local.run(loop(3))).rejects.toBeInstanceOf(RuleThrottledError);
      // The other executor is free of noisy work, so an ordinary run answers before either loop.
      const echo = track("echo", local.run(task(ECHO, "passes")));
      expect(await echo).toMatchObject({ outcome: "ok", output: "passes" });
      expect((await first).outcome).toBe("timeout");
      expect((await second).outcome).toBe("timeout");
      expect(finished).toEqual(["echo", "loop 1", "loop 2"]);
      expect((await local.stats()).noisy).toEqual({ rules: 1, inFlight: 0, waiting: 0 });
    } finally {
      await local.shutdown(500);
    }
  });

  it("rejects with ExecutorBusyError once the bounded queue is full", async () => {
    const small = new ExecutorSupervisor({ distDir, executors: 1, maxInFlightPerExecutor: 1, maxQueue: 1, log: () => {} });
    try {
      await small.ready(30_000);
      const first = small.run(task(NEVER_SETTLES, null, { ...LIMITS, timeoutMs: 500 }));
      const queued = small.run(task(ECHO, "queued"));
      await expect(small.run(task(ECHO, "overflow"))).rejects.toBeInstanceOf(ExecutorBusyError);
      expect((await first).outcome).toBe("timeout");
      expect(await queued).toMatchObject({ outcome: "ok", output: "queued" });
    } finally {
      await small.shutdown(500);
    }
  });

  it("does not mistake a stall of the app's own event loop for a silent child", async () => {
    const local = new ExecutorSupervisor({ distDir, executors: 1, heartbeatIntervalMs: 250, heartbeatTimeoutMs: 1_000, log: () => {} });
    try {
      await local.ready(30_000);
      const pid = (await local.stats()).executors[0]!.pid!;
      const until = Date.now() + 3_000;
      while (Date.now() < until); // a synchronous stall, longer than the heartbeat timeout
      const [roundTrip] = await local.ping();
      expect(roundTrip).not.toBeNull();
      await local.ping(); // a few more sweeps have run since
      const stats = await local.stats();
      expect(stats.executors[0]!.pid).toBe(pid);
      expect(stats.executorRestarts).toBe(0);
    } finally {
      await local.shutdown(500);
    }
  });

  it("on shutdown lets in-flight runs finish, refuses new ones, and ends the child", async () => {
    const local = new ExecutorSupervisor({ distDir, executors: 1, log: () => {} });
    await local.ready(30_000);
    const pid = (await local.stats()).executors[0]!.pid!;
    const inFlight = local.run(task(ECHO, "last"));
    await local.ping();
    const stopping = local.shutdown(5_000);
    await expect(local.run(task(ECHO))).rejects.toMatchObject({ name: "ExecutorBusyError", reason: "shutting_down" });
    expect(await inFlight).toMatchObject({ outcome: "ok", output: "last" });
    await stopping;
    expect(() => process.kill(pid, 0)).toThrow(/ESRCH/);
    const stats = await local.stats();
    expect(stats.alive).toBe(0);
    expect(stats.executors[0]!.state).toBe("dead");
  });

  it("never outlives the app: the child exits when the app is killed with SIGKILL", async () => {
    // `--import tsx` keeps the app in this one process (the tsx CLI would add a wrapper process).
    const app = spawn(process.execPath, ["--import", "tsx", path.join(__dirname, "testing/orphan-app.ts"), distDir], {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "inherit"],
    });
    const [line] = (await once(createInterface({ input: app.stdout! }), "line")) as [string];
    const childPid = Number(line);
    expect(Number.isInteger(childPid) && childPid > 0).toBe(true);
    expect(() => process.kill(childPid, 0)).not.toThrow();
    app.kill("SIGKILL");
    await once(app, "exit");
    // The IPC channel closing is the child's only signal; poll its pid, bounded.
    const deadline = Date.now() + 10_000;
    let alive = true;
    while (alive && Date.now() < deadline) {
      try {
        process.kill(childPid, 0);
        await new Promise((resolve) => setTimeout(resolve, 50));
      } catch {
        alive = false;
      }
    }
    expect(alive).toBe(false);
  });
});
