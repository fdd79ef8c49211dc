// Entry of the executor child process (bundled by scripts/build-executor.mjs into
// .executor-dist/executor-main.mjs). Spawned by supervisor.ts behind the process wall: the
// permission model, a scrubbed environment, prlimit, an empty network namespace. It owns the
// piscina pool and speaks only over the fork IPC channel; it never sees the database.
// No "server-only", no Prisma, no "@/" imports: esbuild bundles this file on its own.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import type { RunResult } from "../contracts/run";
import { parentMessageSchema, runTaskSchema, type ChildMessage, type ChildWall } from "./ipc";
import { readLimitCaps } from "../contracts/limits";
import { createRulePool, type RunTask } from "./pool";

const childEnvSchema = z.object({
  RULEBOX_POOL_MIN_THREADS: z.coerce.number().int().positive().optional(),
  RULEBOX_POOL_MAX_THREADS: z.coerce.number().int().positive().optional(),
  RULEBOX_POOL_PYTHON_MIN_THREADS: z.coerce.number().int().nonnegative().optional(),
  /** File name of the worker bundle, relative to this bundle's directory (from the build manifest). */
  RULEBOX_WORKER_FILE: z.string().min(1).optional(),
});

function send(message: ChildMessage): void {
  // The channel closes when the app dies; the 'disconnect' handler below ends this process.
  if (process.connected) process.send!(message);
}

function crashedResult(clock: number, message: string): RunResult {
  return { outcome: "crashed", logs: [], durationMs: 0, clock, error: { name: "ExecutorError", message, frames: [] } };
}

function describeWall(): ChildWall {
  // `process.permission` exists only when the permission model is on.
  const permission = (process as { permission?: { has(scope: string): boolean } }).permission;
  return {
    pid: process.pid,
    node: process.version,
    permissionModel: permission !== undefined,
    fsWriteDenied: permission ? !permission.has("fs.write") : false,
    childProcessDenied: permission ? !permission.has("child") : false,
    envKeys: Object.keys(process.env).sort(),
  };
}

async function main(): Promise<void> {
  // performance.now() counts from process start, so this is node boot + loading this bundle.
  const mainMs = Math.round(performance.now());
  if (typeof process.send !== "function") {
    console.error("executor-main must be started by the supervisor with an IPC channel");
    process.exit(64);
  }
  const env = childEnvSchema.parse(process.env);
  const here = path.dirname(fileURLToPath(import.meta.url));
  const pool = createRulePool({
    minThreads: env.RULEBOX_POOL_MIN_THREADS,
    maxThreads: env.RULEBOX_POOL_MAX_THREADS,
    pythonMinThreads: env.RULEBOX_POOL_PYTHON_MIN_THREADS,
    workerFile: env.RULEBOX_WORKER_FILE ? path.resolve(here, env.RULEBOX_WORKER_FILE) : undefined,
  });

  let accepting = true;
  let inFlight = 0;
  let drained: (() => void) | undefined;

  // Results are coalesced per event-loop turn: one IPC write carries every result that landed.
  // (Holding results back longer, to batch more, was measured slower: callers wait on them to
  // send the next runs, so the workers starve.)
  let outbox: { id: number; result: unknown }[] = [];
  const flush = () => {
    const results = outbox;
    outbox = [];
    try {
      send({ type: "results", results });
    } catch {
      // One unserializable result must not sink the batch (nor this process): resend one by one.
      for (const entry of results) {
        try {
          send({ type: "results", results: [entry] });
        } catch {
          send({ type: "results", results: [{ id: entry.id, result: null }] });
        }
      }
    }
  };
  const answer = (id: number, result: unknown) => {
    if (outbox.length === 0) setImmediate(flush);
    outbox.push({ id, result });
    inFlight -= 1;
    if (inFlight === 0 && drained) drained();
  };

  const runOne = (id: number, task: RunTask) => {
    inFlight += 1;
    if (!accepting) {
      answer(id, crashedResult(task.clock, "The executor is shutting down"));
      return;
    }
    pool.run(task).then(
      (result) => answer(id, result),
      // pool.run should resolve every run with an outcome; a rejection is a pool bug, never the rule's.
      (error: unknown) => answer(id, crashedResult(task.clock, `The pool failed: ${error instanceof Error ? error.message : String(error)}`)),
    );
  };

  const shutdown = async (graceMs: number) => {
    accepting = false;
    if (inFlight > 0) {
      await new Promise<void>((resolve) => {
        drained = resolve;
        setTimeout(resolve, graceMs).unref();
      });
    }
    if (outbox.length > 0) flush();
    await pool.destroy().catch(() => {});
    process.exit(0);
  };

  process.on("message", (raw: unknown) => {
    const parsed = parentMessageSchema.safeParse(raw);
    if (!parsed.success) {
      send({ type: "protocol_error", message: `Unexpected message: ${parsed.error.issues[0]?.message ?? "invalid"}` });
      return;
    }
    const message = parsed.data;
    switch (message.type) {
      case "runs":
        for (const { id, task } of message.runs) {
          const parsedTask = runTaskSchema.safeParse(task);
          if (parsedTask.success) {
            runOne(id, parsedTask.data);
          } else {
            inFlight += 1;
            const clock = typeof (task as { clock?: unknown } | null)?.clock === "number" ? (task as { clock: number }).clock : 0;
            answer(id, crashedResult(clock, `The executor received a malformed run: ${parsedTask.error.issues[0]?.message ?? "invalid"}`));
          }
        }
        break;
      case "ping":
        send({ type: "pong", id: message.id });
        break;
      case "stats":
        send({ type: "stats", id: message.id, stats: pool.stats() });
        break;
      case "warm":
        void pool.warm(readLimitCaps(process.env).defaults.memoryMb, "python").catch((error: unknown) => console.error("executor: loading a Python interpreter failed:", error));
        break;
      case "shutdown":
        void shutdown(message.graceMs);
        break;
    }
  });
  // The app died or closed the channel: nobody is left to answer, so stop at once.
  const onAppGone = () => {
    void pool.destroy().finally(() => process.exit(0));
    setTimeout(() => process.exit(0), 2000).unref();
  };
  process.on("disconnect", onAppGone);
  // The app may have gone while this process was still booting (before the handler existed).
  if (!process.connected) onAppGone();

  // Boot one worker end to end (lockdown, preloads, a compartment) before declaring readiness, so a
  // broken build fails here, visibly, instead of on the first user's run.
  const warmup = await pool.run({
    source: "export default function warmup(input) { return input; }",
    language: "javascript",
    input: 1,
    // The default limits, so the warm-up boots the worker most runs will use.
    limits: readLimitCaps(process.env).defaults,
    clock: 0,
  });
  if (warmup.outcome !== "ok") {
    console.error(`executor warm-up run failed: ${warmup.outcome} ${warmup.error?.message ?? ""}`);
    process.exit(70);
  }
  // Then the rest of the default class's workers: "ready" means the whole pool takes runs, so the
  // first runs after a (re)start never queue behind a worker still booting.
  await pool.warm(readLimitCaps(process.env).defaults.memoryMb);
  send({ type: "ready", wall: describeWall(), timings: { mainMs, readyMs: Math.round(performance.now()) } });
  // Python interpreters (Pyodide: ~3 s of CPU and ~100 MB each) are loaded only once the app says
  // Python rules are in use (a `warm` message, supervisor.ts preparePython()), in the background,
  // so a restart is not held up and a deployment without Python rules never pays for them.
}

// Ctrl-C in a terminal, or systemd stopping the service, signals the whole process group / cgroup,
// this child included. Its life is the app's to end (a `shutdown` message, or the IPC channel
// closing), so in-flight runs can finish during the app's graceful shutdown.
process.on("SIGINT", () => {});
process.on("SIGTERM", () => {});

process.on("uncaughtException", (error) => {
  console.error("executor uncaught exception:", error);
  process.exit(70);
});

void main().catch((error: unknown) => {
  console.error("executor failed to start:", error);
  process.exit(70);
});
