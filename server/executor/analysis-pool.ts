// The policy check as the server runs it: in a worker thread with a deadline, never on the web
// server's own thread. Babel's TypeScript mode backtracks exponentially on some inputs (a 122-byte
// `<T>(<T>(…` froze the whole server for minutes when it ran inline); here such a source costs at
// most ANALYSIS_TIMEOUT_MS of one worker, which is then replaced, and the rule is blocked (RB004,
// fail closed). Results are cached: the analyzer is deterministic and hot rules skip the parse.
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { Piscina } from "piscina";
import { analysisTimeoutDiagnostic } from "../analysis/analyze";
import type { Diagnostic, Language } from "../contracts/run";
import { executorGlobal } from "./singleton";
import { ExecutorBusyError } from "./supervisor";

/** Longest a policy check may take; ordinary rules take well under 10 ms. */
export const ANALYSIS_TIMEOUT_MS = Number(process.env.RULEBOX_ANALYSIS_TIMEOUT_MS) > 0 ? Number(process.env.RULEBOX_ANALYSIS_TIMEOUT_MS) : 2_000;
const ANALYSIS_CACHE_ENTRIES = 1000;
const ANALYSIS_THREADS = 2;

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
 * A check that times out on a thread of its own answers RB004, one that cannot run at all RB000
 * (both block).
 * @throws ExecutorBusyError (HTTP 503) when it timed out after waiting for a busy thread.
 */
export async function analyzeOffThread(source: string, language: Language): Promise<Diagnostic[]> {
  const g = executorGlobal();
  const cache = (g.analysisCache ??= new Map());
  const key = createHash("sha256").update(language).update("\0").update(source).digest("base64");
  const hit = cache.get(key);
  if (hit) {
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  let diagnostics: Diagnostic[];
  // The deadline is for the check itself. A task that has to wait for a thread (others are busy
  // with slow sources) and runs out of time says nothing about its source: it is answered busy
  // (503, retry), never blocked, and nothing is cached, so a flood cannot get a rule blocked.
  const g2 = executorGlobal() as { analysisActive?: number };
  const startsAtOnce = (g2.analysisActive ?? 0) < ANALYSIS_THREADS;
  g2.analysisActive = (g2.analysisActive ?? 0) + 1;
  try {
    const result: unknown = await pool().run({ source, language }, { signal: AbortSignal.timeout(ANALYSIS_TIMEOUT_MS) });
    if (!diagnosticListGuard(result)) throw new Error("the analysis worker answered something other than a list");
    diagnostics = result;
  } catch (error) {
    if (isAbort(error)) {
      if (!startsAtOnce) throw new ExecutorBusyError("queue_full", "The policy check is busy with other sources; retry shortly");
      // It had a thread to itself all along: deterministic, so the verdict is cached too.
      diagnostics = [analysisTimeoutDiagnostic(ANALYSIS_TIMEOUT_MS)];
    } else {
      console.error(`analysis: the policy check could not run: ${error instanceof Error ? error.message : String(error)}`);
      // Not cached: a missing bundle or a crashed worker may be fixed by the next attempt.
      return [failureDiagnostic()];
    }
  } finally {
    g2.analysisActive = (g2.analysisActive ?? 1) - 1;
  }
  if (cache.size >= ANALYSIS_CACHE_ENTRIES) cache.delete(cache.keys().next().value!);
  cache.set(key, diagnostics);
  return diagnostics;
}

function isAbort(error: unknown): boolean {
  const name = (error as { name?: unknown } | null)?.name;
  return name === "AbortError" || name === "TimeoutError";
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
