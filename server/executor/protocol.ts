// Messages and constants shared by the pool (executor main thread), the rule worker and the
// compiler. Pure: no imports with side effects, so every bundle can include it.
import type { LogEntry, RuleError } from "../contracts/run";
import type { PreloadedModuleName } from "./preload-names";

/** Lines the compiled script's prelude occupies above the user's first line. */
export const PRELUDE_LINES = 1;
/** sourceURL of the compiled script: how the worker tells rule frames from everything else. */
export const RULE_SOURCE_URL = "rulebox:rule";
/** Parameter through which the worker hands the preloaded namespaces to the compiled script. */
export const MODULES_PARAM = "__rbx_modules";
/** Local receiving the default export: with "=" it is 14 chars, so it fits where `export default ` (15) was. */
export const DEFAULT_LOCAL = "__rbx_default";

/** One imported binding, checked by the worker against the preloaded namespace before evaluation. */
export interface ImportBinding {
  module: PreloadedModuleName;
  /** Export name, "default", or "*" for a namespace import. */
  imported: string;
  local: string;
  line: number;
  column: number;
}

/**
 * Extra time a looping sync rule may get past its limit. The worker runs rules inside "time
 * windows" (one vm watchdog per window instead of one per run, which costs ~0.1 ms each); a run
 * starts in a window only if the window ends after its limit and at most this much later.
 */
export function windowSlackMs(timeoutMs: number): number {
  return Math.min(50, Math.max(1, Math.ceil(timeoutMs / 4)));
}

/** Pool → worker, once per lane (the piscina task that serves a worker's runs). */
export interface LaneInit {
  port: import("node:worker_threads").MessagePort;
  /** Int32Array over a SharedArrayBuffer: the pool bumps [0] and notifies after each post. */
  wake: Int32Array;
  /**
   * Python lanes only: the interpreter's interrupt buffer (Pyodide). The pool stores SIGINT (2) in
   * [0] when the running rule reaches its time limit; the worker clears it before each run.
   */
  interrupt?: Int32Array;
}

export interface WorkerRunMessage {
  type: "run";
  id: number;
  code: string;
  imports: ImportBinding[];
  /** The input as JSON text; parsed inside the worker so no host object is ever handed over. */
  input: string;
  clock: number;
  timeoutMs: number;
  maxOutputBytes: number;
  maxLogBytes: number;
  memoryMb: number;
  ruleId?: string;
  version?: number;
}

export interface WorkerCloseMessage {
  type: "close";
}

export type PoolToWorkerMessage = WorkerRunMessage | WorkerCloseMessage;

export interface WorkerReadyMessage {
  type: "ready";
}

export interface WorkerResultMessage {
  type: "result";
  id: number;
  outcome: "ok" | "error" | "timeout" | "memory" | "output_limit";
  /** The output as JSON text, serialized inside the sandbox; absent when the rule returned undefined. */
  output?: string;
  logs: LogEntry[];
  logsTruncated: boolean;
  error?: RuleError;
  /** Wall time of the rule in the worker: module evaluation, the call, awaiting it, serialization. */
  durationMs: number;
  /**
   * Net growth of the worker's V8 heap over the run (used_heap_size after minus before, at least
   * 0): memory the run still held at its end. A GC during the run can make it lower than what
   * the run allocated in total; buffers outside the heap are checked against memoryMb separately.
   */
  memoryBytes?: number;
  /** The worker asks to be replaced (e.g. external memory above the limit after the run). */
  recycle?: boolean;
}

export type WorkerToPoolMessage = WorkerReadyMessage | WorkerResultMessage;
