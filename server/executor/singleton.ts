// The one supervisor of this Node process, kept on globalThis: Next.js compiles route handlers
// and instrumentation.ts as separate server entries, which do not share module instances.
// No "server-only" import here, so instrumentation.ts can warm the executor up (Next rejects
// server-only imports from instrumentation in some versions); index.ts is the server-only facade.
import type { Diagnostic } from "../contracts/run";
import { ExecutorBusyError } from "./errors";
import { RemoteExecutorClient, type RunExecutor } from "./remote-client";
import { ExecutorSupervisor } from "./supervisor";
import { processGlobal } from "../process-global";

interface ExecutorGlobal {
  /** Local children (ExecutorSupervisor), or remote hosts when RULEBOX_EXECUTOR_URLS is set. */
  supervisor?: RunExecutor;
  skipBannerShown?: boolean;
  analysisCache?: import("lru-cache").LRUCache<string, Diagnostic[]>;
  /** Checks running now, by the same key: concurrent requests for one source share one check. */
  analysisInFlight?: Map<string, Promise<Diagnostic[]>>;
  /** The policy check's worker threads (analysis-pool.ts). */
  analysisPool?: import("piscina").Piscina;
  /** Runs answered `blocked` by the static check before reaching the supervisor. */
  blockedByAnalysis?: number;
}

/** Process-wide executor state (supervisor, analysis cache), shared by every module instance. */
export function executorGlobal(): ExecutorGlobal {
  return processGlobal<ExecutorGlobal>("executor", () => ({}));
}

/** Whether RULEBOX_SKIP_STATIC_CHECK=1; prints the warning banner the first time it is seen on. */
export function staticCheckSkipped(): boolean {
  const skipped = process.env.RULEBOX_SKIP_STATIC_CHECK === "1";
  const g = executorGlobal();
  if (skipped && !g.skipBannerShown) {
    g.skipBannerShown = true;
    console.warn(
      [
        "",
        "************************************************************************",
        "* RULEBOX_SKIP_STATIC_CHECK=1: the static analyzer is BYPASSED.        *",
        "* Every rule reaches the runtime sandbox unchecked. Use this only to   *",
        "* prove the runtime layers alone; never in production.                 *",
        "************************************************************************",
        "",
      ].join("\n"),
    );
  }
  return skipped;
}

/** The process's executor, created (and started) on first use: remote hosts when RULEBOX_EXECUTOR_URLS is set (docs/remote-executors.md), else local children. */
export function getSupervisor(): RunExecutor {
  const g = executorGlobal();
  if (!g.supervisor) {
    staticCheckSkipped();
    if (process.env.RULEBOX_EXECUTOR_URLS?.trim()) {
      let client: RemoteExecutorClient;
      try {
        client = RemoteExecutorClient.fromEnv();
      } catch (error) {
        // Misconfigured (a bad URL, a bad number): every run answers 503 naming the setting, not a 500.
        const reason = error instanceof Error ? error.message : String(error);
        console.error(`executor: remote executors misconfigured: ${reason}`);
        throw new ExecutorBusyError("queue_full", `Remote executors are misconfigured: ${reason}`);
      }
      client.start();
      g.supervisor = client;
    } else {
      const supervisor = new ExecutorSupervisor();
      g.supervisor = supervisor;
      void supervisor.start().catch((error: unknown) => console.error(`executor failed to start: ${error instanceof Error ? error.message : String(error)}`));
    }
  }
  return g.supervisor;
}

/** Starts the executor and waits (bounded) for it to be ready; never throws. Called from instrumentation.ts. */
export async function warmUpExecutor(timeoutMs = 15_000): Promise<boolean> {
  try {
    await getSupervisor().ready(timeoutMs);
    return true;
  } catch (error) {
    console.error(`executor warm-up failed: ${error instanceof Error ? error.message : String(error)}`);
    return false;
  }
}

