// App side of the process wall: spawns the executor child(ren) behind the wall that
// launch-plan.ts probes (permission model, scrubbed environment, prlimit, an empty network
// namespace); dispatches runs over IPC, runs of noisy rules taking turns (noisy-lane.ts); answers
// every run exactly once (the child's validated result, or `crashed`); restarts dead children.
// No "server-only" here so the bench and executor-level tests can drive it outside Next;
// server/executor/index.ts is the server-only facade.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { z } from "zod";
import type { Outcome, RunResult } from "../contracts/run";
import { ExecutorBusyError, RuleThrottledError } from "./errors";
import { childMessageSchema, parseRunResult, type ChildMessage, type ChildWall, type PoolStatsMessage, type RunTaskMessage } from "./ipc";
import { buildExecutorEnv, launchEnvSchema, planLaunch, type LaunchPlan, type WallLayers } from "./launch-plan";
import { NoisyLane } from "./noisy-lane";
import { NoisyRules } from "./noisy-rules";
import { CrashQuarantine, isProcessAbort } from "./quarantine";
import { RunStats, addPoolTotals, crashed, emptyPoolTotals, type LatencySnapshot, type PoolTotals } from "./run-stats";

export interface ExecutorProcessStats {
  index: number;
  pid: number | null;
  state: ExecutorState;
  inFlight: number;
  restarts: number;
  lastExit: { code: number | null; signal: string | null; at: string } | null;
  /** Spawn → ready, as seen by the app. */
  startupMs: number | null;
  /** As measured inside the child since its process start: bundle loaded (mainMs), ready (readyMs). */
  childTimings: { mainMs: number; readyMs: number } | null;
}

/** Snapshot for /api/health and /api/metrics. */
export interface ExecutorStats {
  executors: ExecutorProcessStats[];
  alive: number;
  executorRestarts: number;
  inFlight: number;
  queueDepth: number;
  /** App-side latency of executor runs (submit → answer), for a Prometheus histogram. */
  runLatencyMs: LatencySnapshot;
  /** Rule sources refused after being in flight in repeated process aborts (see quarantine.ts). */
  quarantinedRules: number;
  /** Rules whose recent runs hit their limits (noisy-rules.ts): their runs in flight and waiting. */
  noisy: { rules: number; inFlight: number; waiting: number };
  /** Every answer the supervisor gave, by outcome (includes `crashed` answers the pool never saw). */
  runsByOutcome: Record<Outcome, number>;
  /** Summed over live children (a child that just died contributes nothing). */
  pool: PoolTotals;
  wall: WallLayers | null;
}

export interface SupervisorOptions {
  /** Directory of the built bundle (scripts/build-executor.mjs). Default RULEBOX_EXECUTOR_DIST or ./.executor-dist. */
  distDir?: string;
  /** Number of executor processes. Default RULEBOX_EXECUTORS or 2. */
  executors?: number;
  /** Runs waiting for a ready child beyond this many → ExecutorBusyError. */
  maxQueue?: number;
  /** Runs dispatched to one child at a time; the rest wait in the supervisor queue. */
  maxInFlightPerExecutor?: number;
  /** Backstop beyond a run's own timeoutMs before the app stops waiting and answers `crashed`. */
  answerGraceMs?: number;
  heartbeatIntervalMs?: number;
  /** A ready child silent for this long is killed and replaced. */
  heartbeatTimeoutMs?: number;
  /** A child not ready after this long is killed and replaced. */
  startTimeoutMs?: number;
  serialization?: "advanced" | "json";
  /** The environment to take the child's allowlisted variables from (tests pass their own). */
  env?: NodeJS.ProcessEnv;
  log?: (level: "info" | "warn" | "error", message: string) => void;
}

type ExecutorState = "starting" | "ready" | "stopping" | "dead";

interface PendingRun {
  task: RunTaskMessage;
  resolve: (result: RunResult) => void;
  /** performance.now() after which the app stops waiting. */
  deadline: number;
  /** A run of a rule that recently ran into its limits (noisy-rules.ts): it takes the noisy lane. */
  noisy?: boolean;
  /** Set while a noisy run holds a noisy-lane slot on this executor (noisy-lane.ts). */
  noisyOn?: ExecutorHandle;
  /** performance.now() when it took the slot. */
  noisySince?: number;
  /** performance.now() when it was sent to an executor. */
  dispatchedAt?: number;
  /**
   * Set when the run is answered `crashed` because its executor process was killed from outside
   * (SIGKILL, SIGTERM, a clean exit): nothing the rule did, so it says nothing about the rule.
   */
  blameless?: boolean;
}

/**
 * An executor whose oldest run in flight has waited this long is probably held up (an endless
 * loop of a rule not yet known as noisy, a slow run): new runs go to another one while possible.
 */
const STALL_MS = 10;

const supervisorEnvSchema = launchEnvSchema.extend({
  RULEBOX_EXECUTORS: z.coerce.number().int().min(1).max(16).optional(),
  RULEBOX_EXECUTOR_DIST: z.string().min(1).optional(),
  RULEBOX_EXECUTOR_QUEUE: z.coerce.number().int().positive().optional(),
  RULEBOX_EXECUTOR_MAX_INFLIGHT: z.coerce.number().int().positive().optional(),
  RULEBOX_EXECUTOR_SERIALIZATION: z.enum(["advanced", "json"]).optional(),
  RULEBOX_EXECUTOR_TZ: z.string().min(1).default("UTC"),
  RULEBOX_EXECUTOR_QUARANTINE_MS: z.coerce.number().int().nonnegative().default(600_000),
  /** Runs of noisy rules (recent timeout, memory or crash) in flight at once, over all executors. */
  RULEBOX_NOISY_CONCURRENCY: z.coerce.number().int().positive().default(1),
  /** Runs of noisy rules that may wait for their turn; beyond that they are refused (HTTP 429). */
  RULEBOX_NOISY_QUEUE: z.coerce.number().int().nonnegative().default(8),
  /**
   * The share of time the noisy lane may be busy: after a noisy run held it for t ms, the lane
   * rests t × (1 − share) / share ms. An endless loop burns a whole core for its time limit; on a
   * small machine that core is what everyone else's runs are waiting for.
   */
  RULEBOX_NOISY_SHARE: z.coerce.number().gt(0).max(1).default(0.5),
});

const manifestSchema = z.object({
  entry: z.string(),
  worker: z.string(),
  /** Bare package names left outside the bundles; the child may read exactly these under node_modules. */
  external: z.array(z.string()),
});

const RESTART_WINDOW_MS = 60_000;
const SWEEP_INTERVAL_MS = 250;
const MAX_RESTART_DELAY_MS = 5_000;

/**
 * Delay before the next restart, given the crashes in the last minute (this one included):
 * immediate for the first two, then exponential from 100 ms, capped — a crash loop must not spin.
 */
export function computeRestartDelay(recentCrashes: number): number {
  if (recentCrashes <= 2) return 0;
  return Math.min(MAX_RESTART_DELAY_MS, 100 * 2 ** (recentCrashes - 3));
}

class ExecutorHandle {
  child: ChildProcess | undefined;
  state: ExecutorState = "dead";
  readonly inFlight = new Map<number, PendingRun>();
  /** Noisy-lane runs in flight here: ordinary runs go elsewhere while possible. */
  noisyInFlight = 0;
  outbox: { id: number; task: RunTaskMessage }[] = [];
  readonly statsWaiters = new Map<number, (stats: PoolStatsMessage | undefined) => void>();
  readonly pongWaiters = new Map<number, () => void>();
  restarts = 0;
  spawnedAt = 0;
  lastPongAt = 0;
  startupMs: number | null = null;
  childTimings: { mainMs: number; readyMs: number } | null = null;
  wall: ChildWall | undefined;
  lastExit: ExecutorProcessStats["lastExit"] = null;
  crashTimes: number[] = [];
  restartTimer: NodeJS.Timeout | undefined;
  exited: Promise<void> = Promise.resolve();

  constructor(readonly index: number) {}
}

/** Supervises N executor child processes. Create one per app (index.ts keeps it on globalThis). */
export class ExecutorSupervisor {
  private readonly opts: Required<Omit<SupervisorOptions, "env" | "log" | "distDir" | "executors">> & { distDir: string; executors: number };
  private readonly env: z.infer<typeof supervisorEnvSchema>;
  private readonly sourceEnv: NodeJS.ProcessEnv;
  private readonly log: NonNullable<SupervisorOptions["log"]>;
  private readonly handles: ExecutorHandle[];
  private readonly waiting: PendingRun[] = [];
  /** Runs of noisy rules take turns here (at most RULEBOX_NOISY_CONCURRENCY at once). */
  private readonly noisyLane: NoisyLane<ExecutorHandle, PendingRun>;
  private readonly noisy = new NoisyRules();
  private readonly runStats = new RunStats();
  private readonly quarantine: CrashQuarantine;
  private plan: LaunchPlan | undefined;
  private started: Promise<void> | undefined;
  /** Python rules are in use: every executor loads its interpreters (again after a restart). */
  private pythonWanted = false;
  private startError: Error | undefined;
  private stopping = false;
  private nextId = 1;
  private sweepTimer: NodeJS.Timeout | undefined;
  private lastPing = 0;
  private lastSweepAt = 0;
  /** Each returns true once satisfied (and is then dropped). */
  private readonly readyWaiters = new Set<() => boolean>();

  constructor(options: SupervisorOptions = {}) {
    this.sourceEnv = options.env ?? process.env;
    this.env = supervisorEnvSchema.parse(this.sourceEnv);
    this.log = options.log ?? ((level, message) => console[level](message));
    // Two by default: a process abort (nodejs/node#47224) or a kill then costs only half the runs
    // in flight, and the other child keeps serving while the dead one restarts.
    const executors = options.executors ?? this.env.RULEBOX_EXECUTORS ?? 2;
    this.opts = {
      distDir: path.resolve(options.distDir ?? this.env.RULEBOX_EXECUTOR_DIST ?? path.join(process.cwd(), ".executor-dist")),
      executors,
      maxQueue: options.maxQueue ?? this.env.RULEBOX_EXECUTOR_QUEUE ?? 1024,
      maxInFlightPerExecutor: options.maxInFlightPerExecutor ?? this.env.RULEBOX_EXECUTOR_MAX_INFLIGHT ?? 256,
      answerGraceMs: options.answerGraceMs ?? 30_000,
      heartbeatIntervalMs: options.heartbeatIntervalMs ?? 1_000,
      heartbeatTimeoutMs: options.heartbeatTimeoutMs ?? 10_000,
      startTimeoutMs: options.startTimeoutMs ?? 20_000,
      // JSON, not "advanced": inputs and outputs are JSON by contract, and measured here the v8
      // serializer was no faster for these small messages; JSON also keeps Map/Date/undefined
      // from crossing in a shape the database would not store.
      serialization: options.serialization ?? this.env.RULEBOX_EXECUTOR_SERIALIZATION ?? "json",
    };
    this.handles = Array.from({ length: executors }, (_, i) => new ExecutorHandle(i));
    this.quarantine = new CrashQuarantine({ quarantineMs: this.env.RULEBOX_EXECUTOR_QUARANTINE_MS, threshold: this.env.RULEBOX_EXECUTOR_QUARANTINE_MS === 0 ? Infinity : 2 });
    this.noisyLane = new NoisyLane({
      concurrency: this.env.RULEBOX_NOISY_CONCURRENCY,
      maxWaiting: this.env.RULEBOX_NOISY_QUEUE,
      share: this.env.RULEBOX_NOISY_SHARE,
      pickExecutor: () => this.pickExecutor(),
      dispatch: (handle, pending) => this.dispatch(handle, pending),
    });
  }

  /** Probes the wall and spawns the children; idempotent. Resolves once spawning began (not ready). */
  start(): Promise<void> {
    this.started ??= this.startOnce().catch((error: unknown) => {
      // No bundle or no permission model: nothing can run until an operator fixes it, so runs are
      // answered `crashed` with the reason instead of waiting out their deadline.
      this.startError = error instanceof Error ? error : new Error(String(error));
      for (const pending of this.waiting.splice(0)) pending.resolve(crashed(pending.task.clock, `The executor could not start: ${this.startError.message}`));
      throw this.startError;
    });
    return this.started;
  }

  private async startOnce(): Promise<void> {
    const manifestPath = path.join(this.opts.distDir, "manifest.json");
    let manifest: z.infer<typeof manifestSchema>;
    try {
      manifest = manifestSchema.parse(JSON.parse(fs.readFileSync(manifestPath, "utf8")));
    } catch (error) {
      throw new Error(`Executor bundle missing or invalid at ${manifestPath} (run \`node scripts/build-executor.mjs\`): ${error instanceof Error ? error.message : String(error)}`);
    }
    this.plan = await planLaunch(this.opts.distDir, manifest.entry, manifest.external, this.env, this.log);
    const childEnv: Record<string, string> = { ...buildExecutorEnv(this.sourceEnv, this.env.RULEBOX_EXECUTOR_TZ), RULEBOX_WORKER_FILE: manifest.worker };
    // Unless configured, the machine's cores are split between the children rather than each
    // child sizing its pool for the whole machine (N children × all cores would oversubscribe) —
    // but never below two workers per child: a run that holds a worker for its whole time limit
    // (the first run of an endless loop, before the supervisor knows the rule as noisy) must not
    // stall every run queued behind it in that process. Measured with `npm run load` on 2 cores:
    // one worker per child let such runs hold benign runs for up to 2 s.
    if (childEnv.RULEBOX_POOL_MAX_THREADS === undefined && this.opts.executors > 1) {
      const perChild = Math.max(2, Math.floor(os.availableParallelism() / this.opts.executors));
      childEnv.RULEBOX_POOL_MAX_THREADS = String(perChild);
      if (childEnv.RULEBOX_POOL_MIN_THREADS === undefined) childEnv.RULEBOX_POOL_MIN_THREADS = String(perChild);
    }
    this.plan.wall.scrubbedEnv.keys = Object.keys(childEnv).sort();
    this.childEnv = childEnv;
    const layers = [
      `permission model (${this.plan.wall.permissionModel.flag})`,
      "scrubbed env",
      this.plan.wall.prlimit.applied ? "prlimit" : "no prlimit",
      this.plan.wall.networkNamespace.applied ? `netns (${this.plan.wall.networkNamespace.command})` : "no netns",
    ];
    this.log("info", `executor: starting ${this.opts.executors} process(es) behind: ${layers.join(", ")}`);
    if (this.stopping) return;
    for (const handle of this.handles) this.spawnChild(handle);
    this.lastSweepAt = performance.now();
    this.sweepTimer = setInterval(() => this.sweep(), SWEEP_INTERVAL_MS);
    this.sweepTimer.unref();
  }

  private childEnv: Record<string, string> = {};

  /** Resolves when at least one child (or, with `all`, every child) is ready; rejects after timeoutMs. */
  async ready(timeoutMs = 30_000, { all = false }: { all?: boolean } = {}): Promise<void> {
    await this.start();
    const satisfied = () => (all ? this.handles.every((h) => h.state === "ready") : this.handles.some((h) => h.state === "ready"));
    if (satisfied()) return;
    await new Promise<void>((resolve, reject) => {
      const waiter = () => {
        if (!satisfied()) return false;
        clearTimeout(timer);
        resolve();
        return true;
      };
      const timer = setTimeout(() => {
        this.readyWaiters.delete(waiter);
        reject(new Error(`No executor became ready within ${timeoutMs} ms`));
      }, timeoutMs);
      this.readyWaiters.add(waiter);
    });
  }

  /**
   * Runs one task in a child and answers with its validated result, or `crashed` when the child
   * dies or stops answering. Throws only ExecutorBusyError (queue full / shutting down) and
   * RuleThrottledError (a noisy rule with too many runs waiting for their turn).
   */
  /**
   * Python rules are in use here: each executor loads its Python interpreters in the background
   * (Pyodide, ~3 s of CPU and ~100 MB of memory each), now and after every restart. Until then no
   * executor carries one. Idempotent; called by the app when it finds or receives a Python rule.
   */
  preparePython(): void {
    if (this.pythonWanted) return;
    this.pythonWanted = true;
    for (const handle of this.handles) if (handle.state === "ready" && handle.child?.connected) handle.child.send({ type: "warm", language: "python" });
  }

  run(task: RunTaskMessage): Promise<RunResult> {
    if (this.stopping) return Promise.reject(new ExecutorBusyError("shutting_down"));
    if (this.startError) return Promise.resolve(crashed(task.clock, `The executor could not start: ${this.startError.message}`));
    const quarantined = this.quarantine.check(task);
    if (quarantined) {
      this.runStats.record("crashed");
      const until = new Date(quarantined.until).toISOString();
      return Promise.resolve(
        crashed(task.clock, `This rule was running each time an executor process aborted (${quarantined.aborts} times, typically V8 giving up at the heap limit); it is refused until ${until}. Reduce its memory use.`),
      );
    }
    if (!this.started) void this.start().catch((error: unknown) => this.log("error", `executor: ${String(error)}`));
    // The first Python run of a process that was not told Python is in use waits for a load.
    if (task.language === "python") this.preparePython();
    return new Promise<RunResult>((resolve, reject) => {
      const startedAt = performance.now();
      const pending: PendingRun = {
        task,
        resolve: (result) => {
          this.runStats.record(result.outcome, performance.now() - startedAt);
          if (!pending.blameless) this.noisy.observe(task, result.outcome);
          if (pending.noisyOn) this.noisyLane.release(pending);
          resolve(result);
        },
        deadline: performance.now() + task.limits.timeoutMs + this.opts.answerGraceMs,
        noisy: this.noisy.has(task),
      };
      if (pending.noisy) {
        if (!this.noisyLane.submit(pending)) reject(new RuleThrottledError(this.noisyLane.waiting));
        return;
      }
      const handle = this.pickExecutor();
      if (handle) {
        this.dispatch(handle, pending);
      } else if (this.waiting.length >= this.opts.maxQueue) {
        reject(new ExecutorBusyError("queue_full"));
      } else {
        this.waiting.push(pending);
      }
    });
  }

  /**
   * The ready executor with the fewest runs in flight, preferring those that are not held up: not
   * busy with a noisy run, and whose oldest run in flight is younger than STALL_MS.
   */
  private pickExecutor(): ExecutorHandle | undefined {
    const now = performance.now();
    let best: ExecutorHandle | undefined;
    let bestHeld = false;
    for (const handle of this.handles) {
      if (handle.state !== "ready" || handle.inFlight.size >= this.opts.maxInFlightPerExecutor) continue;
      // Map order is dispatch order: the first entry is the oldest run in flight.
      const oldest = handle.inFlight.values().next().value as PendingRun | undefined;
      const held = handle.noisyInFlight > 0 || (oldest !== undefined && now - oldest.dispatchedAt! > STALL_MS);
      if (!best || (bestHeld && !held) || (held === bestHeld && handle.inFlight.size < best.inFlight.size)) {
        best = handle;
        bestHeld = held;
      }
    }
    return best;
  }

  private dispatch(handle: ExecutorHandle, pending: PendingRun): void {
    const id = this.nextId++;
    pending.dispatchedAt = performance.now();
    handle.inFlight.set(id, pending);
    if (handle.outbox.length === 0) setImmediate(() => this.flush(handle));
    handle.outbox.push({ id, task: pending.task });
  }

  private flush(handle: ExecutorHandle): void {
    const runs = handle.outbox;
    handle.outbox = [];
    // If the child died since, its exit handler already answered these runs `crashed`.
    if (runs.length === 0 || handle.state !== "ready" || !handle.child?.connected) return;
    handle.child.send({ type: "runs", runs });
  }

  private drainWaiting(): void {
    this.noisyLane.drain();
    while (this.waiting.length > 0) {
      const handle = this.pickExecutor();
      if (!handle) return;
      this.dispatch(handle, this.waiting.shift()!);
    }
  }

  private spawnChild(handle: ExecutorHandle): void {
    const plan = this.plan!;
    handle.state = "starting";
    handle.spawnedAt = performance.now();
    handle.wall = undefined;
    handle.startupMs = null;
    const child = spawn(plan.command, plan.args, {
      // Pipes, not inherited descriptors: with fsize=0 a child writing to an inherited *file*
      // would be killed by SIGXFSZ. Its output is forwarded line by line to our log.
      stdio: ["ignore", "pipe", "pipe", "ipc"],
      env: this.childEnv as NodeJS.ProcessEnv,
      // Not the bundle directory: a rebuild swaps that directory out, and a child whose working
      // directory vanished dies at its next path lookup (uv_cwd ENOENT). Every path it uses is absolute.
      cwd: "/",
      serialization: this.opts.serialization,
    });
    handle.child = child;
    const tag = `[executor ${handle.index} pid ${child.pid ?? "?"}]`;
    for (const stream of [child.stdout, child.stderr]) {
      if (stream) createInterface({ input: stream }).on("line", (line) => this.log("warn", `${tag} ${line}`));
    }
    handle.exited = new Promise((resolve) => {
      child.once("exit", (code, signal) => {
        this.onExit(handle, child, code, signal);
        resolve();
      });
    });
    child.on("error", (error) => {
      // Spawn failures and channel errors; 'exit' follows for a started process.
      this.log("error", `${tag} ${error.message}`);
      if (child.pid === undefined) this.onExit(handle, child, null, null);
    });
    child.on("message", (raw: unknown) => this.onMessage(handle, raw));
  }

  private onMessage(handle: ExecutorHandle, raw: unknown): void {
    // Results are the hot path: checked by shape here, then each one by runResultSchema.
    const message = raw as ChildMessage;
    if (message && message.type === "results" && Array.isArray(message.results)) {
      for (const entry of message.results) {
        const pending = entry && typeof entry.id === "number" ? handle.inFlight.get(entry.id) : undefined;
        if (!pending) continue; // answered already (deadline) — a late result is dropped
        handle.inFlight.delete(entry.id);
        const result = parseRunResult(entry.result, pending.task.clock);
        // Only a clean finish clears a suspect: a bomb that sometimes ends as `memory` stays suspect.
        if (result.outcome === "ok" || result.outcome === "error" || result.outcome === "output_limit") this.quarantine.acquit(pending.task);
        pending.resolve(result);
      }
      handle.lastPongAt = performance.now();
      this.drainWaiting();
      return;
    }
    const parsed = childMessageSchema.safeParse(raw);
    if (!parsed.success) {
      this.log("error", `executor ${handle.index}: malformed message dropped`);
      return;
    }
    const msg = parsed.data;
    switch (msg.type) {
      case "ready":
        handle.state = "ready";
        handle.wall = msg.wall;
        handle.startupMs = Math.round(performance.now() - handle.spawnedAt);
        handle.childTimings = msg.timings;
        handle.lastPongAt = performance.now();
        if (this.plan && !this.plan.wall.confirmedByChild) {
          const { permissionModel, fsWriteDenied, childProcessDenied } = msg.wall;
          this.plan.wall.confirmedByChild = { permissionModel, fsWriteDenied, childProcessDenied };
          if (!permissionModel || !fsWriteDenied || !childProcessDenied) this.log("error", "executor: the child reports a weaker permission model than requested");
        }
        if (this.stopping) {
          handle.child?.send({ type: "shutdown", graceMs: 0 });
          return;
        }
        if (this.pythonWanted) handle.child?.send({ type: "warm", language: "python" });
        for (const waiter of this.readyWaiters) if (waiter()) this.readyWaiters.delete(waiter);
        this.drainWaiting();
        break;
      case "pong":
        handle.lastPongAt = performance.now();
        handle.pongWaiters.get(msg.id)?.();
        handle.pongWaiters.delete(msg.id);
        break;
      case "stats":
        handle.statsWaiters.get(msg.id)?.(msg.stats);
        handle.statsWaiters.delete(msg.id);
        break;
      case "protocol_error":
        this.log("error", `executor ${handle.index}: ${msg.message}`);
        break;
      case "results":
        break; // handled above
    }
  }

  private onExit(handle: ExecutorHandle, child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (handle.child !== child || handle.state === "dead") return;
    const wasStopping = handle.state === "stopping" || this.stopping;
    handle.state = "dead";
    handle.child = undefined;
    handle.outbox = [];
    handle.lastExit = { code, signal, at: new Date().toISOString() };
    const how = signal ? `signal ${signal}` : `exit code ${code}`;
    const aborted = isProcessAbort(code, signal);
    if (!wasStopping && aborted && handle.inFlight.size > 0) {
      const added = this.quarantine.implicate([...handle.inFlight.values()].map((p) => p.task));
      if (added > 0) this.log("error", `executor ${handle.index}: ${added} rule source(s) quarantined after repeated process aborts`);
    }
    for (const pending of handle.inFlight.values()) {
      // An abort (V8 at its heap limit) may be one of these rules' doing: they count as noisy. A kill
      // from outside is not: those rules keep their ordinary lane.
      pending.blameless = !aborted;
      pending.resolve(crashed(pending.task.clock, `The executor process ended (${how}) while this run was in flight`, pending.dispatchedAt));
    }
    handle.inFlight.clear();
    for (const waiter of handle.statsWaiters.values()) waiter(undefined);
    handle.statsWaiters.clear();
    for (const waiter of handle.pongWaiters.values()) waiter();
    handle.pongWaiters.clear();
    if (wasStopping) return;
    const now = performance.now();
    handle.crashTimes = [...handle.crashTimes.filter((t) => now - t < RESTART_WINDOW_MS), now];
    const delay = computeRestartDelay(handle.crashTimes.length);
    this.log("error", `executor ${handle.index} ended (${how}); restarting in ${delay} ms`);
    handle.restartTimer = setTimeout(() => {
      handle.restartTimer = undefined;
      if (this.stopping) return;
      handle.restarts += 1;
      this.spawnChild(handle);
    }, delay);
  }

  /** Deadlines, heartbeats and stuck starts, checked on one coarse timer instead of a timer per run. */
  private sweep(): void {
    const now = performance.now();
    // If this (app) process itself was stalled, pongs and results may be sitting unread in the
    // channel: judge nobody this round, and give every child a fresh heartbeat window.
    const stalled = now - this.lastSweepAt > SWEEP_INTERVAL_MS * 8;
    this.lastSweepAt = now;
    if (stalled) {
      for (const handle of this.handles) handle.lastPongAt = Math.max(handle.lastPongAt, now);
      return;
    }
    for (const handle of this.handles) {
      for (const [id, pending] of handle.inFlight) {
        if (pending.deadline > now) continue;
        handle.inFlight.delete(id);
        pending.resolve(crashed(pending.task.clock, `The executor did not answer within ${pending.task.limits.timeoutMs + this.opts.answerGraceMs} ms`, pending.dispatchedAt));
      }
      if (handle.state === "starting" && now - handle.spawnedAt > this.opts.startTimeoutMs) {
        this.log("error", `executor ${handle.index} not ready after ${this.opts.startTimeoutMs} ms; killing it`);
        handle.child?.kill("SIGKILL");
      }
      if (handle.state === "ready" && now - handle.lastPongAt > this.opts.heartbeatTimeoutMs) {
        this.log("error", `executor ${handle.index} silent for ${Math.round(now - handle.lastPongAt)} ms; killing it`);
        handle.child?.kill("SIGKILL");
      }
    }
    for (let i = this.waiting.length - 1; i >= 0; i--) {
      const pending = this.waiting[i]!;
      if (pending.deadline > now) continue;
      this.waiting.splice(i, 1);
      pending.resolve(crashed(pending.task.clock, "No executor process became available in time"));
    }
    this.noisyLane.expire(now, (pending) => pending.resolve(crashed(pending.task.clock, "This rule recently ran into its limits, so its runs take turns; this one waited too long for its turn")));
    if (now - this.lastPing >= this.opts.heartbeatIntervalMs) {
      this.lastPing = now;
      for (const handle of this.handles) {
        if (handle.state === "ready" && handle.child?.connected) handle.child.send({ type: "ping", id: this.nextId++ });
      }
    }
  }

  /** Live snapshot; asks each ready child for its pool stats (bounded wait). */
  async stats(): Promise<ExecutorStats> {
    const poolStats = await Promise.all(
      this.handles.map(
        (handle) =>
          new Promise<PoolStatsMessage | undefined>((resolve) => {
            if (handle.state !== "ready" || !handle.child?.connected) return resolve(undefined);
            const id = this.nextId++;
            const timer = setTimeout(() => {
              handle.statsWaiters.delete(id);
              resolve(undefined);
            }, 1000);
            handle.statsWaiters.set(id, (stats) => {
              clearTimeout(timer);
              resolve(stats);
            });
            handle.child.send({ type: "stats", id });
          }),
      ),
    );
    const pool = emptyPoolTotals();
    for (const s of poolStats) if (s) addPoolTotals(pool, s);
    return {
      executors: this.handles.map((h) => ({
        index: h.index,
        pid: h.child?.pid ?? null,
        state: h.state,
        inFlight: h.inFlight.size,
        restarts: h.restarts,
        lastExit: h.lastExit,
        startupMs: h.startupMs,
        childTimings: h.childTimings,
      })),
      alive: this.handles.filter((h) => h.state === "ready").length,
      executorRestarts: this.handles.reduce((n, h) => n + h.restarts, 0),
      inFlight: this.handles.reduce((n, h) => n + h.inFlight.size, 0),
      queueDepth: this.waiting.length + this.noisyLane.waiting,
      noisy: { rules: this.noisy.size, inFlight: this.noisyLane.inFlight, waiting: this.noisyLane.waiting },
      quarantinedRules: this.quarantine.size,
      runLatencyMs: this.runStats.latencySnapshot(),
      runsByOutcome: this.runStats.runsByOutcome(),
      pool,
      wall: this.plan ? structuredClone(this.plan.wall) : null,
    };
  }

  /**
   * Round-trips a ping through every ready child and resolves with each round-trip time in ms
   * (null for a child that is not ready or died meanwhile). The channel is ordered, so when it
   * resolves, each child has also handled every run sent before it.
   */
  async ping(): Promise<(number | null)[]> {
    for (const handle of this.handles) if (handle.outbox.length > 0) this.flush(handle);
    return Promise.all(
      this.handles.map(
        (handle) =>
          new Promise<number | null>((resolve) => {
            if (handle.state !== "ready" || !handle.child?.connected) return resolve(null);
            const id = this.nextId++;
            const sent = performance.now();
            handle.pongWaiters.set(id, () => resolve(handle.state === "ready" ? performance.now() - sent : null));
            handle.child.send({ type: "ping", id });
          }),
      ),
    );
  }

  /** What the first ready child reported about itself (pid, permission checks, env names). */
  childWall(index = 0): ChildWall | undefined {
    return this.handles[index]?.wall;
  }

  /**
   * Stops taking work (new runs → ExecutorBusyError), answers queued runs `crashed`, lets in-flight
   * runs finish for up to graceMs, then ends the children (SIGKILL if they linger).
   */
  async shutdown(graceMs = 5_000): Promise<void> {
    if (this.stopping) {
      await Promise.all(this.handles.map((h) => h.exited));
      return;
    }
    this.stopping = true;
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    for (const pending of [...this.waiting.splice(0), ...this.noisyLane.stop()]) pending.resolve(crashed(pending.task.clock, "The executor is shutting down"));
    await Promise.all(
      this.handles.map(async (handle) => {
        if (handle.restartTimer) clearTimeout(handle.restartTimer);
        const child = handle.child;
        if (!child || handle.state === "dead") return;
        if (handle.outbox.length > 0) this.flush(handle);
        handle.state = "stopping";
        if (child.connected) child.send({ type: "shutdown", graceMs });
        const killer = setTimeout(() => child.kill("SIGKILL"), graceMs + 1_000);
        await handle.exited;
        clearTimeout(killer);
      }),
    );
  }
}
