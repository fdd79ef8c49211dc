// The policy check as the server runs it: in a worker thread with a deadline, never on the web
// server's own thread. Babel's TypeScript mode backtracks exponentially on some inputs (a 122-byte
// `<T>(<T>(…` froze the whole server for minutes when it ran inline); here such a source costs at
// most ANALYSIS_TIMEOUT_MS of one worker, which is then replaced, and the rule is blocked (RB004,
// fail closed). Results are cached: the analyzer is deterministic and hot rules skip the parse.
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { Piscina } from "piscina";
import { LRUCache } from "lru-cache";
import { analysisTimeoutDiagnostic } from "../analysis/analyze";
import type { Diagnostic, Language } from "../contracts/run";
import { executorGlobal } from "./singleton";
import { ExecutorBusyError } from "./errors";

/** Longest a policy check may take; ordinary rules take well under 10 ms. */
export const ANALYSIS_TIMEOUT_MS = Number(process.env.RULEBOX_ANALYSIS_TIMEOUT_MS) > 0 ? Number(process.env.RULEBOX_ANALYSIS_TIMEOUT_MS) : 2_000;
const ANALYSIS_CACHE_ENTRIES = 1000;
const ANALYSIS_THREADS = 2;
/** Longest a check may wait for a thread before the request is answered busy (503). */
const MAX_QUEUE_WAIT_MS = 5_000;

// build-options.mjs ANALYSIS_WORKER_BUNDLE (not imported: that file reads import.meta, which Next's bundle would rewrite).
const ANALYSIS_WORKER_BUNDLE = "analysis-worker.cjs";

function bundlePath(): string {
  const distDir = path.resolve(process.env.RULEBOX_EXECUTOR_DIST ?? path.join(process.cwd(), ".executor-dist"));
  return path.join(distDir, ANALYSIS_WORKER_BUNDLE);
}

function pool(): Piscina {
  const g = executorGlobal();
  if (!g.analysisPool) {
    const filename = bundlePath();
    if (!fs.existsSync(filename)) throw new Error(`the analysis worker bundle is missing (${filename}); run npm run build`);
    g.analysisPool = new Piscina({ filename, minThreads: 1, maxThreads: ANALYSIS_THREADS, idleTimeout: 60_000 });
  }
  return g.analysisPool;
}

const diagnosticListGuard = (value: unknown): value is Diagnostic[] => Array.isArray(value);

/**
 * The analyzer's diagnostics for a source, computed in a worker thread within ANALYSIS_TIMEOUT_MS.
 * A check that runs out of its own time answers RB004, one that cannot run at all RB000
 * (both block).
 * @throws ExecutorBusyError (HTTP 503) when no thread could start it within MAX_QUEUE_WAIT_MS.
 */
export async function analyzeOffThread(source: string, language: Language): Promise<Diagnostic[]> {
  const g = executorGlobal();
  const cache = (g.analysisCache ??= new LRUCache<string, Diagnostic[]>({ max: ANALYSIS_CACHE_ENTRIES }));
  const key = createHash("sha256").update(language).update("\0").update(source).digest("base64");
  const hit = cache.get(key);
  if (hit) return hit;
  // Requests for a source already being checked share that check: a burst of the same rule
  // (a caller's retry storm, an IDE's concurrent test cases) must not start a thread each, and a
  // new analysis thread loads TypeScript (seconds on a busy machine) before it answers anything.
  const inFlight = (g.analysisInFlight ??= new Map());
  const running = inFlight.get(key);
  if (running) return running;
  const check = analyzeUncached(source, language, key, cache).finally(() => inFlight.delete(key));
  inFlight.set(key, check);
  return check;
}

async function analyzeUncached(source: string, language: Language, key: string, cache: LRUCache<string, Diagnostic[]>): Promise<Diagnostic[]> {
  let diagnostics: Diagnostic[];
  // The deadline is for the check itself, measured from when the worker starts it (it writes the
  // time into `started`): time spent waiting for a thread, or for a replaced thread to load the
  // parsers, says nothing about the source. A check that ran out of its own time is blocked (RB004,
  // cached: deterministic); one that waited longer than MAX_QUEUE_WAIT_MS without starting is
  // answered busy (503, retry) and not cached, so a flood of slow sources cannot get a rule blocked.
  const started = new Float64Array(new SharedArrayBuffer(8));
  const controller = new AbortController();
  const submittedAt = Date.now();
  let ended: "timeout" | "busy" | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const watch = () => {
    const now = Date.now();
    const startedAt = started[0]!;
    if (startedAt === 0) {
      if (now - submittedAt >= MAX_QUEUE_WAIT_MS) {
        ended = "busy";
        controller.abort();
      } else timer = setTimeout(watch, 50);
      return;
    }
    const left = startedAt + ANALYSIS_TIMEOUT_MS - now;
    if (left <= 0) {
      ended = "timeout";
      controller.abort();
    } else timer = setTimeout(watch, left);
  };
  timer = setTimeout(watch, Math.min(ANALYSIS_TIMEOUT_MS, MAX_QUEUE_WAIT_MS));
  try {
    const result: unknown = await pool().run({ source, language, started: started.buffer }, { signal: controller.signal });
    if (!diagnosticListGuard(result)) throw new Error("the analysis worker answered something other than a list");
    diagnostics = result;
  } catch (error) {
    if (ended === "busy") throw new ExecutorBusyError("queue_full", "The policy check is busy with other sources; retry shortly");
    if (ended === "timeout") {
      diagnostics = [analysisTimeoutDiagnostic(ANALYSIS_TIMEOUT_MS)];
    } else {
      console.error(`analysis: the policy check could not run: ${error instanceof Error ? error.message : String(error)}`);
      // Not cached: a missing bundle or a crashed worker may be fixed by the next attempt.
      return [failureDiagnostic()];
    }
  } finally {
    clearTimeout(timer);
  }
  cache.set(key, diagnostics);
  return diagnostics;
}

function failureDiagnostic(): Diagnostic {
  return {
    code: "RB000",
    severity: "error",
    message: "The policy check could not run on the server, so this rule is blocked to stay safe. Try again; if it persists, the server's build is incomplete.",
    line: 1,
    column: 1,
    endLine: 1,
    endColumn: 2,
  };
}

/** Stops the analysis threads (shutdown and tests). */
export async function closeAnalysisPool(): Promise<void> {
  const g = executorGlobal();
  const p = g.analysisPool;
  g.analysisPool = undefined;
  await p?.destroy();
}
