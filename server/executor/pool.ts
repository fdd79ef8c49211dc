// The pool of rule workers that lives inside the executor process (plain Node, bundled by esbuild).
// No "server-only", no Prisma, no "@/" alias: this file is bundled into .executor-dist/.
//
// Shape: one piscina pool per memory limit (resourceLimits are per worker). Each worker serves a
// long-lived "lane" task; runs go to an idle lane over a MessagePort with an Atomics wake-up, so a
// run costs one message each way instead of a piscina task, and the worker can run many rules
// under one vm watchdog (see worker.ts). piscina still owns the threads: it spawns them with
// their resource limits, terminates one when its lane is aborted, and reports OOM and crashes.
// Python rules run in classes of their own, on the Python worker (python/python-worker.ts): one
// Pyodide interpreter per worker, one run at a time per lane, and a time guard the pool drives
// (it writes SIGINT into the lane's interrupt buffer at the limit).
import os from "node:os";
import path from "node:path";
import { MessageChannel, type MessagePort } from "node:worker_threads";
import { Piscina } from "piscina";
import { outcomeSchema, runResultSchema, type Language, type Limits, type Outcome, type RunResult } from "../contracts/run";
import { createCompileCache } from "./compile";
import { windowSlackMs, type LaneInit, type WorkerRunMessage, type WorkerToPoolMessage } from "./protocol";

/** One run as the executor process hands it to the pool. */
export interface RunTask {
  source: string;
  language: Language;
  input: unknown;
  limits: Limits;
  /** Epoch ms the rule sees as `Date.now()` / `ctx.now`. */
  clock: number;
  ruleId?: string;
  version?: number;
  /**
   * A run of a rule that recently hit its limits (the supervisor's noisy lane): it runs on workers
   * of its own, so its timeouts and worker replacements never hold up other runs' workers.
   */
  noisy?: boolean;
}

export interface PoolStats {
  threads: number;
  /** Of those, workers that have booted and take runs (the rest are starting). */
  readyThreads: number;
  queueSize: number;
  completed: number;
  workerRestarts: number;
  byOutcome: Record<Outcome, number>;
}

export interface RulePool {
  /** Never rejects for anything a rule does: every path ends in exactly one validated RunResult. */
  run(task: RunTask): Promise<RunResult>;
  /**
   * Starts the workers for this memory limit (if not yet) and resolves once every one of them has
   * booted, so the first runs find the whole pool ready instead of waiting on a cold worker.
   * Resolves too when a worker fails to start: the runs then report that failure.
   */
  warm(memoryMb: number, language?: "javascript" | "python"): Promise<void>;
  stats(): PoolStats;
  destroy(): Promise<void>;
}

export interface RulePoolOptions {
  /** Workers started per memory limit as soon as that limit is first used (default: maxThreads). */
  minThreads?: number;
  /** Workers per memory limit (default: the number of CPUs). */
  maxThreads?: number;
  /**
   * Python workers started per memory limit up front (default 1); more start as runs queue, up to
   * maxThreads. Each loads an interpreter (~3 s of CPU, tens of MB): starting maxThreads of them
   * in every executor held a 2-core machine for half a minute at boot. 0: none until the first
   * Python run, which then waits for one to load (for deployments without Python rules).
   */
  pythonMinThreads?: number;
  /** Absolute path of the built worker (default: worker.cjs beside this bundle). */
  workerFile?: string;
  /** Absolute path of the built Python worker (default: python-worker.cjs beside this bundle). */
  pythonWorkerFile?: string;
}

/**
 * Heap the worker itself needs (SES, the preloaded libraries, the worker code), added to the
 * rule's memoryMb to form the worker's V8 old-generation limit, so a rule gets about memoryMb.
 */
export const WORKER_BASE_HEAP_MB = 64;
export const WORKER_YOUNG_GENERATION_MB = 16;
export const WORKER_STACK_MB = 4;
/**
 * How long after a run's limit (plus the window slack) the pool kills its worker. Sync overruns
 * are reported by the worker itself well before; this catches async ones, hostile thenables and
 * long native calls (a huge regex replace) that no watchdog can interrupt.
 */
export const KILL_GRACE_MS = 200;
/**
 * V8 heap of a Python worker: Pyodide's JavaScript side. The interpreter's own memory is
 * WebAssembly memory outside this limit, capped per run by the worker (memoryMb).
 */
export const PYTHON_WORKER_HEAP_MB = 192;
/** After a Python run's limit, the pool repeats the interrupt this often until the run answers. */
const PYTHON_INTERRUPT_REPEAT_MS = 5;

const OUTCOMES = outcomeSchema.options;
/** Must match WORKER_BUNDLE in build-options.mjs. */
const WORKER_BUNDLE_NAME = "worker.cjs";
/** Must match PYTHON_WORKER_BUNDLE in build-options.mjs. */
const PYTHON_WORKER_BUNDLE_NAME = "python-worker.cjs";

interface PendingRun {
  message: WorkerRunMessage;
  clock: number;
  /** When the run became its lane's head (performance.now()): a run the pool ends reports the time since. */
  startedAt?: number;
  resolve(result: RunResult): void;
}

interface Lane {
  port: MessagePort;
  wake: Int32Array;
  abort: AbortController;
  ready: boolean;
  /** Runs posted to the worker, oldest first; the worker runs them in this order. */
  inflight: PendingRun[];
  /** Deadline of inflight[0], armed when it becomes the head. */
  timer: NodeJS.Timeout | null;
  /** Set when the pool ended this lane itself (deadline or recycle): its end is not a crash. */
  retired: boolean;
  bootTimer: NodeJS.Timeout | null;
  /** Python lanes: the interpreter's interrupt buffer, and the timer that writes SIGINT into it. */
  interrupt: Int32Array | null;
  interruptTimer: NodeJS.Timeout | null;
}

interface MemoryClass {
  memoryMb: number;
  python: boolean;
  /** Runs posted to one worker ahead of time (1 for Python: its interrupt belongs to one run). */
  pipelineDepth: number;
  /** Most workers this class grows to. */
  maxThreads: number;
  piscina: Piscina;
  lanes: Set<Lane>;
  queue: PendingRun[];
  /** Set when a worker failed to start (e.g. a broken worker bundle): runs answer `crashed`. */
  broken: string | null;
  brokenAt: number;
  /** Callers of warm() waiting for every lane to boot. */
  warmWaiters: (() => void)[];
}

/** A memory class whose workers failed to start is retried (fresh piscina) after this long. */
const BROKEN_RETRY_MS = 5_000;
/** A worker that has not reported ready after this long counts as failed to start. */
const LANE_BOOT_TIMEOUT_MS = 30_000;
/**
 * Runs posted to one worker ahead of time: the next run waits in the worker's port while the
 * current one executes, so the worker does not idle for a round trip between runs.
 */
const PIPELINE_DEPTH = 2;

// The bundles live side by side in .executor-dist/: beside this bundle (CJS) or beside the
// process's entry script (ESM, where __dirname does not exist).
function bundleDir(): string {
  return typeof __dirname === "string" ? __dirname : path.dirname(process.argv[1] ?? path.join(process.cwd(), "x"));
}

function ruleFailure(outcome: Outcome, clock: number, name: string, message: string, limit?: { name: string; value: number }): RunResult {
  return { outcome, logs: [], durationMs: 0, clock, error: { name, message, frames: [], ...(limit ? { limit } : {}) } };
}

/** A failure the pool decided for a started run: its duration is the wall time since it started. */
function startedRunFailure(run: PendingRun, outcome: Outcome, name: string, message: string, limit?: { name: string; value: number }): RunResult {
  const result = ruleFailure(outcome, run.clock, name, message, limit);
  if (run.startedAt !== undefined) result.durationMs = performance.now() - run.startedAt;
  return result;
}

/** Creates the pool. Workers start lazily, per memory limit, on the first run that needs them. */
export function createRulePool(opts: RulePoolOptions = {}): RulePool {
  const maxThreads = Math.max(1, opts.maxThreads ?? os.availableParallelism());
  const minThreads = Math.min(maxThreads, Math.max(1, opts.minThreads ?? maxThreads));
  const pythonMinThreads = Math.min(maxThreads, Math.max(0, opts.pythonMinThreads ?? 1));
  const workerFile = opts.workerFile ?? path.join(bundleDir(), WORKER_BUNDLE_NAME);
  const pythonWorkerFile = opts.pythonWorkerFile ?? path.join(path.dirname(workerFile), PYTHON_WORKER_BUNDLE_NAME);
  const compileCache = createCompileCache();
  /** By language family and memory limit, and apart for noisy runs ("64", "64:noisy", "py:64"). */
  const classes = new Map<string, MemoryClass>();
  const byOutcome = Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as Record<Outcome, number>;
  let completed = 0;
  let workerRestarts = 0;
  let nextId = 1;
  let destroyed = false;

  function record(result: RunResult): RunResult {
    completed += 1;
    byOutcome[result.outcome] += 1;
    return result;
  }

  function memoryClass(memoryMb: number, noisy: boolean, python = false): MemoryClass {
    const key = `${python ? "py:" : ""}${memoryMb}${noisy ? ":noisy" : ""}`;
    let existing = classes.get(key);
    if (existing && existing.broken !== null && performance.now() - existing.brokenAt > BROKEN_RETRY_MS) {
      classes.delete(key);
      void existing.piscina.destroy();
      existing = undefined;
    }
    if (existing) return existing;
    // Noisy runs take turns (the supervisor runs few at once), so one worker of their own is enough.
    const threads = noisy ? 1 : maxThreads;
    const startThreads = noisy ? 1 : python ? pythonMinThreads : minThreads;
    const piscina = new Piscina({
      filename: python ? pythonWorkerFile : workerFile,
      minThreads: startThreads,
      maxThreads: threads,
      idleTimeout: Infinity,
      concurrentTasksPerWorker: 1,
      // Lanes do their own signalling; piscina's per-task Atomics loop would only add latency.
      atomics: "disabled",
      recordTiming: false,
      resourceLimits: {
        maxOldGenerationSizeMb: python ? PYTHON_WORKER_HEAP_MB : memoryMb + WORKER_BASE_HEAP_MB,
        maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB,
        stackSizeMb: WORKER_STACK_MB,
      },
    });
    // A lane's rejection carries the error; piscina's 'error' event would otherwise be unhandled.
    piscina.on("error", () => undefined);
    existing = {
      memoryMb,
      python,
      pipelineDepth: python ? 1 : PIPELINE_DEPTH,
      maxThreads: threads,
      piscina,
      lanes: new Set(),
      queue: [],
      broken: null,
      brokenAt: 0,
      warmWaiters: [],
    };
    classes.set(key, existing);
    for (let i = 0; i < Math.min(startThreads, threads); i += 1) startLane(existing);
    return existing;
  }

  function startLane(cls: MemoryClass): void {
    const { port1, port2 } = new MessageChannel();
    const lane: Lane = {
      port: port1,
      wake: new Int32Array(new SharedArrayBuffer(4)),
      abort: new AbortController(),
      ready: false,
      inflight: [],
      timer: null,
      retired: false,
      bootTimer: null,
      interrupt: cls.python ? new Int32Array(new SharedArrayBuffer(4)) : null,
      interruptTimer: null,
    };
    cls.lanes.add(lane);
    port1.on("message", (message: WorkerToPoolMessage) => onLaneMessage(cls, lane, message));
    // In-flight runs keep the process alive through their deadline timers, not through idle ports.
    port1.unref();
    const init: LaneInit = { port: port2, wake: lane.wake, ...(lane.interrupt ? { interrupt: lane.interrupt } : {}) };
    const bootTimer = setTimeout(() => {
      if (!lane.ready && !lane.retired) endLane(cls, lane, new Error(`the worker did not start within ${LANE_BOOT_TIMEOUT_MS} ms`));
    }, LANE_BOOT_TIMEOUT_MS);
    bootTimer.unref();
    lane.bootTimer = bootTimer;
    cls.piscina.run(init, { transferList: [port2], signal: lane.abort.signal }).then(
      () => endLane(cls, lane, null),
      (error: unknown) => endLane(cls, lane, error),
    );
  }

  function onLaneMessage(cls: MemoryClass, lane: Lane, message: WorkerToPoolMessage): void {
    if (message?.type === "ready") {
      lane.ready = true;
      if (lane.bootTimer) clearTimeout(lane.bootTimer);
      settleWarm(cls);
      dispatch(cls);
      return;
    }
    const run = lane.inflight[0];
    // A late or duplicate answer (the worker may resend a result it computed just as its window
    // closed) is ignored: each run is answered once.
    if (message?.type !== "result" || !run || message.id !== run.message.id) return;
    lane.inflight.shift();
    clearDeadline(lane);
    run.resolve(record(toRunResult(message, run.clock)));
    if (message.recycle === true) {
      retireLane(cls, lane);
    } else {
      armDeadline(cls, lane);
    }
    dispatch(cls);
  }

  function clearDeadline(lane: Lane): void {
    if (lane.timer) clearTimeout(lane.timer);
    lane.timer = null;
    if (lane.interruptTimer) clearTimeout(lane.interruptTimer);
    lane.interruptTimer = null;
  }

  function armDeadline(cls: MemoryClass, lane: Lane): void {
    const head = lane.inflight[0];
    if (!head || lane.timer) return;
    const { timeoutMs } = head.message;
    head.startedAt = performance.now();
    lane.timer = setTimeout(() => onDeadline(cls, lane), timeoutMs + windowSlackMs(timeoutMs) + KILL_GRACE_MS);
    const interrupt = lane.interrupt;
    if (interrupt) {
      // Python checks the buffer between bytecodes; a rule that swallows one interrupt (a with
      // block whose __exit__ returns True) gets another, until the deadline above kills the worker.
      // With one run per lane in flight, a late interrupt can only land between runs, and the
      // worker clears the buffer before the next one.
      const signal = () => {
        Atomics.store(interrupt, 0, 2);
        lane.interruptTimer = setTimeout(signal, PYTHON_INTERRUPT_REPEAT_MS);
      };
      lane.interruptTimer = setTimeout(signal, timeoutMs);
    }
  }

  /** Runs posted to a dead or retired lane behind its head never started there: run them elsewhere. */
  function requeue(cls: MemoryClass, runs: PendingRun[]): void {
    if (runs.length > 0) cls.queue.unshift(...runs);
  }

  function retireLane(cls: MemoryClass, lane: Lane): void {
    if (lane.retired) return;
    clearDeadline(lane);
    requeue(cls, lane.inflight.splice(0));
    lane.retired = true;
    lane.ready = false;
    if (lane.bootTimer) clearTimeout(lane.bootTimer);
    cls.lanes.delete(lane);
    lane.port.close();
    lane.abort.abort(new Error("lane retired"));
    if (!destroyed) {
      workerRestarts += 1;
      startLane(cls);
    }
  }

  function endLane(cls: MemoryClass, lane: Lane, error: unknown): void {
    clearDeadline(lane);
    const [run, ...notStarted] = lane.inflight.splice(0);
    requeue(cls, notStarted);
    if (run) {
      const code = (error as { code?: string } | null)?.code;
      if (code === "ERR_WORKER_OUT_OF_MEMORY") {
        run.resolve(
          record(
            startedRunFailure(run, "memory", "MemoryLimitError", `The rule used more than its memory limit of ${cls.memoryMb} MB`, {
              name: "memoryMb",
              value: cls.memoryMb,
            }),
          ),
        );
      } else {
        const detail = error instanceof Error ? error.message : "the worker stopped";
        run.resolve(record(startedRunFailure(run, "crashed", "WorkerCrashed", `The worker running this rule stopped: ${detail}`)));
      }
    }
    if (lane.bootTimer) clearTimeout(lane.bootTimer);
    if (lane.retired) return;
    const bootFailed = !lane.ready;
    lane.retired = true;
    cls.lanes.delete(lane);
    lane.port.close();
    if (destroyed) return;
    if (bootFailed) {
      // Starting a worker is deterministic (same bundle, same preloads): retrying at once would
      // fail the same way, so runs answer `crashed` until a retry after BROKEN_RETRY_MS.
      cls.broken = error instanceof Error ? error.message : String(error);
      cls.brokenAt = performance.now();
      lane.abort.abort(new Error("worker failed to start"));
      failQueue(cls);
      settleWarm(cls);
      return;
    }
    workerRestarts += 1;
    startLane(cls);
    dispatch(cls);
  }

  function failQueue(cls: MemoryClass): void {
    for (const pending of cls.queue.splice(0)) {
      pending.resolve(record(ruleFailure("crashed", pending.clock, "WorkerStartError", `Rule workers fail to start: ${cls.broken ?? "unknown error"}`)));
    }
  }

  function onDeadline(cls: MemoryClass, lane: Lane): void {
    lane.timer = null;
    const run = lane.inflight.shift();
    if (!run) return;
    const { timeoutMs } = run.message;
    run.resolve(
      record(startedRunFailure(run, "timeout", "TimeoutError", `The rule ran longer than its limit of ${timeoutMs} ms`, { name: "timeoutMs", value: timeoutMs })),
    );
    // The worker may be stuck anywhere (a microtask loop, a never-settling await, a long native
    // call): terminating it is the only way to make sure nothing of the run executes later.
    retireLane(cls, lane);
    dispatch(cls);
  }

  function dispatch(cls: MemoryClass): void {
    if (cls.queue.length === 0) return;
    if (cls.broken !== null) {
      failQueue(cls);
      return;
    }
    // Fill idle lanes first, then give each lane one run to hold ready behind its current one.
    for (let depth = 1; depth <= cls.pipelineDepth; depth += 1) {
      for (const lane of cls.lanes) {
        if (!lane.ready || lane.retired || lane.inflight.length >= depth) continue;
        const run = cls.queue.shift();
        if (!run) return;
        lane.inflight.push(run);
        armDeadline(cls, lane);
        lane.port.postMessage(run.message);
        Atomics.add(lane.wake, 0, 1);
        Atomics.notify(lane.wake, 0);
        if (cls.queue.length === 0) return;
      }
    }
    // Still queued: grow towards maxThreads (new lanes take runs once their worker is ready).
    if (cls.lanes.size < cls.maxThreads) startLane(cls);
  }

  function toRunResult(message: WorkerToPoolMessage & { type: "result" }, clock: number): RunResult {
    try {
      const output = typeof message.output === "string" ? (JSON.parse(message.output) as unknown) : undefined;
      const candidate: RunResult = {
        outcome: message.outcome,
        logs: message.logs,
        durationMs: message.durationMs,
        clock,
        ...(message.logsTruncated ? { logsTruncated: true } : {}),
        ...(output !== undefined ? { output } : {}),
        ...(message.error ? { error: message.error } : {}),
        ...(typeof message.memoryBytes === "number" ? { memoryBytes: message.memoryBytes } : {}),
      };
      // Worker output is untrusted: a compromised worker must not be able to shape the answer
      // (no "blocked"/"crashed" claims, no extra fields).
      if (!["ok", "error", "timeout", "memory", "output_limit"].includes(candidate.outcome)) throw new Error("outcome");
      return runResultSchema.parse(candidate);
    } catch {
      return ruleFailure("crashed", clock, "WorkerProtocolError", "The worker answered with an invalid result");
    }
  }

  async function run(task: RunTask): Promise<RunResult> {
    const { clock, limits } = task;
    if (destroyed) return ruleFailure("crashed", clock, "ExecutorClosed", "The executor pool is shut down");
    const python = task.language === "python";
    // Python is compiled inside its interpreter (runner.py: parse, guard transform, bytecode).
    let compiled: { code: string; imports: WorkerRunMessage["imports"] };
    if (python) {
      compiled = { code: task.source, imports: [] };
    } else {
      let result;
      try {
        result = await compileCache.compile(task.source, task.language);
      } catch (error) {
        return record(ruleFailure("crashed", clock, "CompilerError", `The compiler failed: ${error instanceof Error ? error.message : String(error)}`));
      }
      if (!result.ok) return record({ outcome: "error", logs: [], durationMs: 0, clock, error: result.error });
      compiled = result;
    }
    let input: string;
    try {
      input = JSON.stringify(task.input) ?? "null";
    } catch (error) {
      return record(ruleFailure("error", clock, "InputError", `The input is not JSON: ${error instanceof Error ? error.message : String(error)}`));
    }
    const message: WorkerRunMessage = {
      type: "run",
      id: nextId++,
      code: compiled.code,
      imports: compiled.imports,
      input,
      clock,
      timeoutMs: limits.timeoutMs,
      maxOutputBytes: limits.maxOutputBytes,
      maxLogBytes: limits.maxLogBytes,
      memoryMb: limits.memoryMb,
      ...(task.ruleId !== undefined ? { ruleId: task.ruleId } : {}),
      ...(task.version !== undefined ? { version: task.version } : {}),
    };
    const cls = memoryClass(limits.memoryMb, task.noisy === true, python);
    return new Promise<RunResult>((resolve) => {
      cls.queue.push({ message, clock, resolve });
      dispatch(cls);
    });
  }

  function settleWarm(cls: MemoryClass): void {
    if (cls.warmWaiters.length === 0) return;
    const booted = cls.broken !== null || [...cls.lanes].every((lane) => lane.ready || lane.retired);
    if (!booted) return;
    for (const resolve of cls.warmWaiters.splice(0)) resolve();
  }

  function warm(memoryMb: number, language: "javascript" | "python" = "javascript"): Promise<void> {
    const cls = memoryClass(memoryMb, false, language === "python");
    return new Promise<void>((resolve) => {
      cls.warmWaiters.push(resolve);
      settleWarm(cls);
    });
  }

  function stats(): PoolStats {
    let threads = 0;
    let readyThreads = 0;
    let queueSize = 0;
    for (const cls of classes.values()) {
      threads += cls.lanes.size;
      for (const lane of cls.lanes) if (lane.ready) readyThreads += 1;
      queueSize += cls.queue.length;
    }
    return { threads, readyThreads, queueSize, completed, workerRestarts, byOutcome: { ...byOutcome } };
  }

  async function destroy(): Promise<void> {
    if (destroyed) return;
    destroyed = true;
    const closing: Promise<void>[] = [];
    for (const cls of classes.values()) {
      for (const resolve of cls.warmWaiters.splice(0)) resolve();
      for (const pending of cls.queue.splice(0)) {
        pending.resolve(record(ruleFailure("crashed", pending.clock, "ExecutorClosed", "The executor pool shut down before the run started")));
      }
      for (const lane of cls.lanes) {
        clearDeadline(lane);
        for (const run of lane.inflight.splice(0)) {
          run.resolve(record(startedRunFailure(run, "crashed", "ExecutorClosed", "The executor pool shut down during the run")));
        }
        lane.retired = true;
        lane.port.close();
      }
      cls.lanes.clear();
      closing.push(cls.piscina.destroy());
    }
    classes.clear();
    await Promise.allSettled(closing);
  }

  return { run, warm, stats, destroy };
}
