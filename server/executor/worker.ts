// The rule worker: the piscina worker entry, loaded by absolute path from .executor-dist/worker.cjs.
// At start: preload the libraries, SES lockdown(), harden the libraries, seal the host globals.
// Then it serves one "lane": runs arrive on a MessagePort, each in a fresh Compartment, inside
// time windows guarded by a vm watchdog (sync loops are interrupted and the worker lives on).
// A run that goes async, or leaves promise work behind, is finished outside the window; there the
// pool's deadline is the guard and kills the worker. Nothing of a run executes after its result.
// Plain Node, bundled by esbuild: no "server-only", no "@/" imports.
import "ses";
import v8 from "node:v8";
import vm from "node:vm";
import { receiveMessageOnPort, type MessagePort } from "node:worker_threads";
import type { Frame, LogEntry, RuleError } from "../contracts/run";
import { jsonDepth, MAX_OUTPUT_DEPTH } from "./json-depth";
import { loadPreloads, type HostCapabilities, type Preloads } from "./preload";
import {
  DEFAULT_LOCAL,
  PRELUDE_LINES,
  RULE_SOURCE_URL,
  windowSlackMs,
  type LaneInit,
  type PoolToWorkerMessage,
  type WorkerResultMessage,
  type WorkerRunMessage,
} from "./protocol";

const MIB = 1024 * 1024;
const STACK_TRACE_LIMIT = 20;
/** Bounds on what a thrown value can put into a result (it is not counted against maxOutputBytes). */
const MAX_ERROR_NAME_CHARS = 200;
const MAX_ERROR_MESSAGE_CHARS = 4_000;
/** Empty log lines cost no bytes; this bounds their number. */
const MAX_LOG_ENTRIES = 10_000;

/** Longest text clip() takes a prefix of: a longer one may be a rope that slicing would copy whole first. */
const MAX_CLIP_SOURCE_CHARS = 1_048_576;

function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  if (text.length > MAX_CLIP_SOURCE_CHARS) return `[text of ${text.length} characters]`;
  return `${text.slice(0, max)}… (${text.length - max} more characters)`;
}

// Captured before the host globals are sealed below; only this file uses them.
const hostSetImmediate = setImmediate;
const RealDate = Date;
const { load: atomicsLoad, wait: atomicsWait } = Atomics;

// ---------------------------------------------------------------------------------------------
// The run clock. One hardened Date replacement is shared by every compartment and by the
// libraries (dayjs() and _.now() read the global Date): `Date.now()` and `new Date()` without
// arguments read the current run's fixed clock, so a replay with the recorded clock is exact.
let runClock = 0;

function makeClockDate(): DateConstructor {
  function ClockDate(this: unknown, ...args: unknown[]): unknown {
    if (new.target === undefined) return new RealDate(runClock).toString();
    return Reflect.construct(RealDate, args.length === 0 ? [runClock] : args, new.target);
  }
  Object.defineProperties(ClockDate, {
    name: { value: "Date" },
    length: { value: 7 },
    prototype: { value: RealDate.prototype, writable: false, enumerable: false, configurable: false },
    now: { value: function now() { return runClock; }, writable: true, configurable: true },
    parse: { value: RealDate.parse, writable: true, configurable: true },
    UTC: { value: RealDate.UTC, writable: true, configurable: true },
  });
  return ClockDate as unknown as DateConstructor;
}

function blocked(name: string): (...args: unknown[]) => never {
  return function blockedCapability(): never {
    throw new TypeError(`${name} is not available in a rule`);
  };
}

// ---------------------------------------------------------------------------------------------
// Tracebacks. SES (errorTaming "safe") keeps V8's structured stacks away from compartments; the
// start compartment may install Error.prepareStackTrace, and SES hands it attenuated call sites.
// We keep only frames of the compiled rule (by sourceURL), shifted by the prelude, so neither
// the rule (reading error.stack) nor the result ever sees a host frame or path.
const framesByError = new WeakMap<object, Frame[]>();

interface CallSiteLike {
  getScriptNameOrSourceURL(): string | null | undefined;
  getFunctionName(): string | null;
  getLineNumber(): number | null;
  getColumnNumber(): number | null;
}

function ruleFrames(callSites: readonly CallSiteLike[]): Frame[] {
  const frames: Frame[] = [];
  for (const site of callSites) {
    if (site.getScriptNameOrSourceURL() !== RULE_SOURCE_URL) continue;
    const line = site.getLineNumber();
    const column = site.getColumnNumber();
    if (line === null || column === null || line <= PRELUDE_LINES) continue;
    const name = site.getFunctionName();
    const frame: Frame = { line: line - PRELUDE_LINES, column };
    // V8 names an anonymous arrow in evaluated code "eval"; a rule cannot define a function named
    // eval (modules are strict), so that name is always an anonymous function.
    if (name && name !== "eval") frame.functionName = name === DEFAULT_LOCAL ? "default" : name;
    frames.push(frame);
  }
  return frames;
}

function formatFrames(frames: Frame[]): string {
  return frames.map((f) => `\n    at ${f.functionName ?? "<anonymous>"} (rule:${f.line}:${f.column})`).join("");
}

/** String() that never throws (symbols, revoked proxies, throwing toString). */
function safeString(value: unknown): string {
  try {
    return typeof value === "symbol" ? value.toString() : String(value);
  } catch {
    return "[unprintable]";
  }
}

function readProperty(target: object, key: string): unknown {
  try {
    return (target as Record<string, unknown>)[key];
  } catch {
    return undefined;
  }
}

function installPrepareStackTrace(): void {
  Error.stackTraceLimit = STACK_TRACE_LIMIT;
  Error.prepareStackTrace = (error: Error, callSites: CallSiteLike[]) => {
    const frames = ruleFrames(callSites);
    framesByError.set(error, frames);
    const name = safeString(readProperty(error, "name") ?? "Error");
    const message = safeString(readProperty(error, "message") ?? "");
    return `${message ? `${name}: ${message}` : name}${formatFrames(frames)}`;
  };
}

function previewThrown(thrown: object): string {
  try {
    const json = JSON.stringify(thrown);
    if (typeof json === "string") return json;
  } catch {
    // a cycle, a BigInt or a throwing getter: fall back to String()
  }
  return safeString(thrown);
}

/** Describes whatever a rule threw. May run rule code (getters): call only under a time guard. */
function describeThrown(thrown: unknown): RuleError {
  if ((typeof thrown !== "object" && typeof thrown !== "function") || thrown === null) {
    return { name: "Error", message: clip(`Uncaught ${safeString(thrown)}`, MAX_ERROR_MESSAGE_CHARS), frames: [] };
  }
  // Reading .stack makes V8 call prepareStackTrace once, which records the frames.
  readProperty(thrown, "stack");
  const name = readProperty(thrown, "name");
  const rawMessage = readProperty(thrown, "message");
  const frames = framesByError.get(thrown) ?? [];
  let message = rawMessage === undefined ? "" : safeString(rawMessage);
  // A thrown plain object ({ code: 42 }) has no message: show what it was, as JSON where it is.
  if (rawMessage === undefined && name === undefined) message = `Uncaught ${previewThrown(thrown)}`;
  // SES rejects some source patterns (import expressions, HTML comments) naming a line of the
  // compiled script: point at the user's line instead.
  const compiledLine = new RegExp(`${RULE_SOURCE_URL}:(\\d+)`).exec(message);
  if (compiledLine && compiledLine[1]) {
    const line = Math.max(1, Number(compiledLine[1]) - PRELUDE_LINES);
    message = message.replace(compiledLine[0], `line ${line}`);
    if (frames.length === 0) frames.push({ line, column: 1 });
  }
  return {
    name: typeof name === "string" && name ? clip(name, MAX_ERROR_NAME_CHARS) : "Error",
    message: clip(message, MAX_ERROR_MESSAGE_CHARS),
    frames: frames.slice(0, STACK_TRACE_LIMIT),
  };
}

// ---------------------------------------------------------------------------------------------
// Bounded serialization. JSON.stringify of a value whose toJSON (or getter, or proxy) yields a few
// strings of ~128 MiB builds an output that exceeds the heap, and V8 then aborts the whole executor
// process ("Reached heap limit", SIGABRT), taking every run in flight with it. The replacer sees
// every value after toJSON and before the native serializer writes it, so it keeps a running lower
// bound of the output's UTF-8 size and stops the serializer as soon as the bound passes the budget:
// no intermediate string ever grows much past the budget. The replacer returns every value as it
// is, so the text is exactly JSON.stringify's. (A hand-written serializer would have to re-implement
// toJSON, boxed primitives, proxies, holes and escaping to the letter; this keeps the native one.)

/** Thrown by the replacer to stop JSON.stringify; host-made, and no rule code is on the stack then. */
const OVER_BUDGET = Object.freeze({ overBudget: true });

/**
 * JSON.stringify(value) when its text can fit in `maxBytes` UTF-8 bytes; `over` as soon as a
 * lower bound of its size passes that (the caller checks the exact size of a text it gets).
 * May run rule code (toJSON, getters, proxy traps): call only under a time guard.
 */
function boundedStringify(value: unknown, maxBytes: number): { json: string | undefined } | { over: true } {
  // Every UTF-16 code unit is at least one UTF-8 byte, and escapes only add: a lower bound.
  let bytes = 0;
  let root = true;
  const replacer = function countBytes(this: unknown, key: string, v: unknown): unknown {
    const inArray = Array.isArray(this);
    let written: number;
    switch (typeof v) {
      case "string":
        written = v.length + 2;
        break;
      case "object":
        written = v === null ? 4 : 2;
        break;
      case "boolean":
        written = v ? 4 : 5;
        break;
      case "number":
        written = 1;
        break;
      default:
        // undefined, a function or a symbol: "null" in an array, left out of an object
        written = inArray ? 4 : 0;
    }
    // A member's key with its quotes and colon. The first call is always the root, whose holder
    // key "" is never written.
    if (root) root = false;
    else if (written > 0 && !inArray) written += key.length + 3;
    bytes += written;
    if (bytes > maxBytes) throw OVER_BUDGET;
    return v;
  };
  try {
    return { json: JSON.stringify(value, replacer) };
  } catch (error) {
    if (error === OVER_BUDGET) return { over: true };
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------
// Logs: console.* and ctx.log write into a per-run buffer bounded by maxLogBytes.
const textEncoder = new TextEncoder();

function byteLength(text: string): number {
  return Buffer.byteLength(text, "utf8");
}

function truncateToBytes(text: string, bytes: number): string {
  if (bytes <= 0) return "";
  const encoded = textEncoder.encode(text);
  if (encoded.length <= bytes) return text;
  return new TextDecoder().decode(encoded.subarray(0, bytes)).replace(/\uFFFD$/, "");
}

/** Longest text a log entry takes a prefix of; a longer one (it may be a cheap rope of ropes that
 * any slice would first copy whole, "x".repeat(2 ** 27)) is only described. */
const MAX_LOG_SOURCE_CHARS = 1_048_576;

/** Set when clipToBudget (or an object over budget) dropped text: the log is full then. */
let logClipped = false;

function clipToBudget(text: string, budget: number): string {
  if (text.length <= budget) return text;
  logClipped = true;
  if (text.length > MAX_LOG_SOURCE_CHARS) return `[text of ${text.length} characters over the log limit]`;
  return text.slice(0, budget);
}

/** A log argument as text; `budget` bounds what it may cost to build (see boundedStringify). */
function formatValue(value: unknown, budget: number): string {
  switch (typeof value) {
    case "string":
      return clipToBudget(value, budget);
    case "function":
      return `[Function ${clipToBudget(safeString(readProperty(value, "name")), Math.min(budget, 200)) || "anonymous"}]`;
    case "object": {
      if (value === null) return "null";
      if (value instanceof Error) {
        return clipToBudget(`${clipToBudget(safeString(readProperty(value, "name")), budget)}: ${clipToBudget(safeString(readProperty(value, "message")), budget)}`, budget);
      }
      try {
        const text = boundedStringify(value, budget);
        // Over the budget the entry is truncated anyway; say what was there instead of a prefix.
        if ("over" in text) {
          logClipped = true;
          return `[${Array.isArray(value) ? "Array" : "Object"} over the log limit]`;
        }
        return text.json ?? clipToBudget(safeString(value), budget);
      } catch {
        return clipToBudget(safeString(value), budget);
      }
    }
    default:
      return clipToBudget(safeString(value), budget);
  }
}

class LogSink {
  readonly entries: LogEntry[] = [];
  truncated = false;
  private bytes = 0;

  constructor(private readonly maxBytes: number) {}

  write(level: LogEntry["level"], args: unknown[]): void {
    if (this.truncated) return;
    if (this.entries.length >= MAX_LOG_ENTRIES) {
      this.truncated = true;
      return;
    }
    // Each argument may cost at most what is left of the budget (plus one byte, so that text that
    // exactly fills it is still shown whole); past the budget the rest is not formatted at all.
    let budget = this.maxBytes - this.bytes + 1;
    const parts: string[] = [];
    logClipped = false;
    for (const arg of args) {
      if (budget <= 0) {
        logClipped = true;
        break;
      }
      const part = formatValue(arg, budget);
      parts.push(part);
      budget -= part.length + 1;
    }
    let message = parts.join(" ");
    const size = byteLength(message);
    if (logClipped || this.bytes + size > this.maxBytes) {
      message = truncateToBytes(message, this.maxBytes - this.bytes);
      this.truncated = true;
      this.bytes = this.maxBytes;
      if (message) this.entries.push({ level, message });
      return;
    }
    this.bytes += size;
    this.entries.push({ level, message });
  }
}

// Per-run objects are frozen rather than harden()ed: they hold only fresh arrow functions and
// primitives, whose prototypes (the intrinsics) lockdown already hardened, so freezing each of
// them is the same result for a fraction of the cost.
function freezeAll<T extends object>(object: T): T {
  for (const value of Object.values(object)) if (typeof value === "function") Object.freeze(value);
  return Object.freeze(object);
}

function makeConsole(sink: LogSink): object {
  return freezeAll({
    log: (...args: unknown[]) => sink.write("log", args),
    info: (...args: unknown[]) => sink.write("info", args),
    warn: (...args: unknown[]) => sink.write("warn", args),
    error: (...args: unknown[]) => sink.write("error", args),
    debug: (...args: unknown[]) => sink.write("debug", args),
  });
}

// ---------------------------------------------------------------------------------------------
// Worker start: preloads, lockdown, hardening, sealing the host.
let preloads: Preloads;
let ClockDate: DateConstructor;
let promisesCreated = 0;

function startWorker(): void {
  lockdown({
    errorTaming: "safe",
    overrideTaming: "moderate",
    consoleTaming: "unsafe",
    errorTrapping: "none",
    unhandledRejectionTrapping: "none",
    reporting: "none",
    stackFiltering: "verbose",
  });
  installPrepareStackTrace();
  ClockDate = harden(makeClockDate());
  const host: HostCapabilities = { Date: ClockDate, blocked };
  const g = globalThis as unknown as Record<string, unknown>;
  // Libraries resolve these host globals at call time: dayjs() and _.now() must read the run clock.
  g.Date = ClockDate;
  preloads = loadPreloads(host);
  // Nothing on the host side needs these after start; a library reaching for them would get
  // host powers (code generation in the start compartment, work scheduled after a run).
  // (Compartments never see the host global; SES leaves out WebAssembly, SharedArrayBuffer,
  // Atomics, WeakRef and FinalizationRegistry from theirs.)
  for (const name of ["Function", "eval", "setTimeout", "setInterval", "setImmediate", "queueMicrotask"]) {
    Object.defineProperty(g, name, { value: blocked(name), writable: false, enumerable: false, configurable: false });
  }
  // A rule's own promises are the only way it can queue work; counting their creation tells a
  // run that left promise jobs behind (they must finish before its result is sent).
  v8.promiseHooks.onInit(() => {
    promisesCreated += 1;
  });
  process.on("unhandledRejection", (reason) => {
    active?.logs.write("warn", ["Unhandled promise rejection:", describeThrown(reason).message]);
  });
}

// ---------------------------------------------------------------------------------------------
// One run.
interface ActiveRun {
  message: WorkerRunMessage;
  logs: LogSink;
  /** When the run began (its time limit counts from here). */
  startedAt: number;
  /** When the rule's own code began (module evaluation): durationMs counts from here. */
  ruleStartedAt: number;
  heapBefore: number;
  /** Set once the result is known; sent after quiescence. */
  result?: WorkerResultMessage;
  /** The thenable the rule returned; finished outside the window. */
  pending?: unknown;
  /** The run created promises: let their jobs run before sending the result. */
  needsDrain: boolean;
  posted: boolean;
}

let active: ActiveRun | null = null;
let lanePort: MessagePort;
let externalBaseline = 0;

function isThenable(value: unknown): boolean {
  return (typeof value === "object" || typeof value === "function") && value !== null && typeof (value as { then?: unknown }).then === "function";
}

function finishResult(run: ActiveRun, partial: Pick<WorkerResultMessage, "outcome" | "output" | "error">): WorkerResultMessage {
  const heap = v8.getHeapStatistics();
  const result: WorkerResultMessage = {
    type: "result",
    id: run.message.id,
    ...partial,
    logs: run.logs.entries,
    logsTruncated: run.logs.truncated,
    durationMs: performance.now() - run.ruleStartedAt,
    memoryBytes: Math.max(0, heap.used_heap_size - run.heapBefore),
  };
  const external = (heap as { external_memory?: number }).external_memory ?? 0;
  if (external - externalBaseline > run.message.memoryMb * MIB) {
    // ArrayBuffers live outside the V8 heap limit; over the run's memory limit the run fails
    // and the worker is replaced so the memory is returned at once.
    result.recycle = true;
    if (result.outcome === "ok" || result.outcome === "output_limit") {
      delete result.output;
      result.outcome = "memory";
      result.error = {
        name: "MemoryLimitError",
        message: `The rule allocated more than ${run.message.memoryMb} MB of buffer memory`,
        frames: [],
        limit: { name: "memoryMb", value: run.message.memoryMb },
      };
    }
  }
  return result;
}

/** Serializes the rule's value inside the guard: toJSON, getters and proxy traps run here, not on the host. */
function serializeOutput(run: ActiveRun, value: unknown): Pick<WorkerResultMessage, "outcome" | "output" | "error"> {
  const max = run.message.maxOutputBytes;
  let json: string | undefined;
  try {
    const text = boundedStringify(value, max);
    if ("over" in text) return outputLimit(max, `The output is over the limit of ${max} bytes`);
    json = text.json;
  } catch (error) {
    // An error the rule threw (a getter, toJSON, a Proxy trap) keeps its message and frames; one
    // JSON.stringify raised itself (a BigInt, a cycle) has no frame, so say it was the return value.
    const described = describeThrown(error);
    if (described.frames.length > 0) return { outcome: "error", error: described };
    return { outcome: "error", error: { ...described, message: clip(`The rule's return value cannot be converted to JSON: ${described.message}`, MAX_ERROR_MESSAGE_CHARS) } };
  }
  if (json === undefined) return { outcome: "ok" };
  const depth = jsonDepth(json);
  if (depth > MAX_OUTPUT_DEPTH) {
    return {
      outcome: "error",
      error: { name: "OutputError", message: `The output is nested ${depth} levels deep; at most ${MAX_OUTPUT_DEPTH} levels are allowed (as for inputs)`, frames: [] },
    };
  }
  // A UTF-16 code unit is at most 3 UTF-8 bytes: short outputs need no exact count.
  const size = json.length * 3 <= max ? json.length : byteLength(json);
  if (size > max) return outputLimit(max, `The output is ${size} bytes, over the limit of ${max} bytes`);
  return { outcome: "ok", output: json };
}

function outputLimit(max: number, message: string): Pick<WorkerResultMessage, "outcome" | "output" | "error"> {
  return { outcome: "output_limit", error: { name: "OutputLimitError", message, frames: [], limit: { name: "maxOutputBytes", value: max } } };
}

function checkImports(message: WorkerRunMessage): RuleError | null {
  for (const binding of message.imports) {
    // The compiler already refuses other modules; the worker holds without it.
    const exportNames = Object.prototype.hasOwnProperty.call(preloads.exportNames, binding.module) ? preloads.exportNames[binding.module] : undefined;
    if (!exportNames) {
      return { name: "ImportError", message: `Cannot import "${binding.module}"`, frames: [{ line: binding.line, column: binding.column }] };
    }
    if (binding.imported !== "*" && !exportNames.has(binding.imported)) {
      return {
        name: "SyntaxError",
        message: `The module "${binding.module}" does not provide an export named "${binding.imported}"`,
        frames: [{ line: binding.line, column: binding.column }],
      };
    }
  }
  return null;
}

// A compartment is built ahead while the worker waits for work (it is the largest fixed cost of a
// run), so an idle worker answers sooner. It is still used by exactly one run: its console is
// defined when the run takes it, and it is dropped afterwards.
let spareCompartment: Compartment | null = null;

function buildCompartment(): Compartment {
  const compartment = new Compartment({ __options__: true, globals: { Date: ClockDate, Math } });
  const compartmentGlobal = compartment.globalThis as Record<string, unknown>;
  // Libraries (and rules) that look for the global object by these names find the
  // compartment's own, never the host's.
  for (const alias of ["global", "self"]) {
    Object.defineProperty(compartmentGlobal, alias, { value: compartmentGlobal, writable: true, enumerable: false, configurable: true });
  }
  return compartment;
}

function prepareSpareCompartment(): void {
  spareCompartment ??= buildCompartment();
}

function takeCompartment(logs: LogSink): Compartment {
  const compartment = spareCompartment ?? buildCompartment();
  spareCompartment = null;
  Object.defineProperty(compartment.globalThis, "console", { value: makeConsole(logs), writable: true, enumerable: false, configurable: true });
  return compartment;
}

/** The synchronous part of a run. Always called inside a time window. */
function runSync(message: WorkerRunMessage): void {
  const logs = new LogSink(message.maxLogBytes);
  const startedAt = performance.now();
  const run: ActiveRun = { message, logs, startedAt, ruleStartedAt: startedAt, heapBefore: v8.getHeapStatistics().used_heap_size, needsDrain: false, posted: false };
  active = run;
  runClock = message.clock;
  preloads.beginRun();
  const promisesBefore = promisesCreated;

  const importError = checkImports(message);
  if (importError) {
    run.result = finishResult(run, { outcome: "error", error: importError });
    return;
  }
  let outcome: Pick<WorkerResultMessage, "outcome" | "output" | "error">;
  try {
    const compartment = takeCompartment(logs);
    run.ruleStartedAt = performance.now();
    const factory = compartment.evaluate(message.code) as (modules: unknown) => unknown;
    const entry = factory(preloads.modulesForRun());
    if (typeof entry !== "function") {
      outcome = { outcome: "error", error: { name: "TypeError", message: "The rule's default export must be a function", frames: [] } };
    } else {
      const ctx = freezeAll({
        log: (...args: unknown[]) => logs.write("log", args),
        now: message.clock,
        ...(message.ruleId !== undefined ? { ruleId: message.ruleId } : {}),
        ...(message.version !== undefined ? { version: message.version } : {}),
      });
      const input: unknown = JSON.parse(message.input);
      const value = (entry as (input: unknown, ctx: unknown) => unknown)(input, ctx);
      if (isThenable(value)) {
        run.pending = value;
        run.needsDrain = true;
        return;
      }
      outcome = serializeOutput(run, value);
    }
  } catch (thrown) {
    outcome = { outcome: "error", error: describeThrown(thrown) };
  }
  run.needsDrain = promisesCreated !== promisesBefore;
  run.result = finishResult(run, outcome);
}

function post(run: ActiveRun): void {
  if (!run.result || run.posted) return;
  // Promise work that finished after the value was known may have logged more.
  run.result.logsTruncated = run.logs.truncated;
  lanePort.postMessage(run.result);
  run.posted = true;
  if (active === run) active = null;
}

function timeoutResult(run: ActiveRun): WorkerResultMessage {
  const { timeoutMs } = run.message;
  const result = finishResult(run, {
    outcome: "timeout",
    error: { name: "TimeoutError", message: `The rule ran longer than its limit of ${timeoutMs} ms`, frames: [], limit: { name: "timeoutMs", value: timeoutMs } },
  });
  // The limit counts from the start of the run, so report the time on that clock.
  result.durationMs = performance.now() - run.startedAt;
  return result;
}

// ---------------------------------------------------------------------------------------------
// Time windows.
let wake: Int32Array;
let inbox: WorkerRunMessage | null = null;
let windowEnd = 0;
let closing = false;

function nextMessage(): PoolToWorkerMessage | null {
  const received = receiveMessageOnPort(lanePort);
  return received ? (received.message as PoolToWorkerMessage) : null;
}

/** Runs sync runs back to back while they fit in the window; returns when a run needs async handling. */
function windowLoop(): void {
  for (;;) {
    let message: PoolToWorkerMessage | null = inbox;
    inbox = null;
    if (!message) {
      const seen = atomicsLoad(wake, 0);
      message = nextMessage();
      if (!message) {
        const remaining = windowEnd - performance.now();
        if (remaining < 1) return;
        if (!spareCompartment) {
          prepareSpareCompartment();
          continue;
        }
        atomicsWait(wake, 0, seen, remaining);
        continue;
      }
    }
    if (message.type === "close") {
      closing = true;
      return;
    }
    // The window must outlive this run's limit, and not by more than this run's slack (a window
    // opened for a longer limit would let a short-limit loop run far past its own limit).
    const overshoot = windowEnd - (performance.now() + message.timeoutMs);
    if (overshoot < 0 || overshoot > windowSlackMs(message.timeoutMs)) {
      inbox = message;
      return;
    }
    runSync(message);
    const run = active;
    if (!run) continue;
    if (run.pending !== undefined || run.needsDrain) return;
    post(run);
  }
}

const WINDOW_ENTRY = "__rbx_window";
const windowScript = new vm.Script(`${WINDOW_ENTRY}()`, { filename: "rulebox-window" });

function isScriptTimeout(error: unknown): boolean {
  return (error as { code?: string } | null)?.code === "ERR_SCRIPT_EXECUTION_TIMEOUT";
}

/** Runs `fn` under a vm watchdog of `ms`; false when it was interrupted. */
function guarded(ms: number, fn: () => void): boolean {
  (globalThis as unknown as Record<string, unknown>)[WINDOW_ENTRY] = fn;
  try {
    windowScript.runInThisContext({ timeout: Math.max(1, Math.ceil(ms)) });
    return true;
  } catch (error) {
    if (isScriptTimeout(error)) return false;
    throw error;
  }
}

function onInterrupted(): void {
  const run = active;
  if (!run) return;
  // A result computed just before the interrupt is still the run's result (the pool ignores a
  // duplicate); otherwise the run hit its limit.
  if (!run.result) {
    run.result = timeoutResult(run);
    run.pending = undefined;
    run.needsDrain = false;
    preloads.repairAfterInterrupt();
  }
  post(run);
}

/** Waits one macrotask turn: by then every microtask queued so far (and any they queued) has run. */
function drainMicrotasks(): Promise<void> {
  return new Promise((resolve) => hostSetImmediate(resolve));
}

async function finishAsync(run: ActiveRun): Promise<void> {
  if (run.pending !== undefined) {
    let settled: { ok: true; value: unknown } | { ok: false; error: unknown };
    try {
      // A hostile thenable or a never-settling promise never gets past this await; the pool's
      // deadline then terminates this worker.
      settled = { ok: true, value: await (run.pending as PromiseLike<unknown>) };
    } catch (error) {
      settled = { ok: false, error };
    }
    run.pending = undefined;
    const remaining = run.startedAt + run.message.timeoutMs - performance.now();
    if (remaining <= 0) {
      run.result = timeoutResult(run);
    } else {
      const finished = guarded(remaining, () => {
        run.result = finishResult(run, settled.ok ? serializeOutput(run, settled.value) : { outcome: "error", error: describeThrown(settled.error) });
      });
      if (!finished && !run.result) {
        run.result = timeoutResult(run);
        preloads.repairAfterInterrupt();
      }
    }
  }
  await drainMicrotasks();
  post(run);
}

async function idleWait(): Promise<PoolToWorkerMessage> {
  for (;;) {
    const seen = atomicsLoad(wake, 0);
    const message = nextMessage();
    if (message) return message;
    if (!spareCompartment) {
      prepareSpareCompartment();
      continue;
    }
    // Blocks the thread until the pool posts; termination (pool kill) interrupts the wait.
    atomicsWait(wake, 0, seen);
  }
}

/** The piscina task: serves runs for this worker until the pool closes the lane. */
export default async function serveLane(init: LaneInit): Promise<string> {
  lanePort = init.port;
  wake = init.wake;
  lanePort.postMessage({ type: "ready" });
  for (;;) {
    const message = inbox ?? (await idleWait());
    inbox = null;
    if (message.type === "close") break;
    inbox = message;
    windowEnd = performance.now() + message.timeoutMs + windowSlackMs(message.timeoutMs);
    const completed = guarded(windowEnd - performance.now(), windowLoop);
    if (!completed) onInterrupted();
    if (closing) break;
    const run = active;
    if (run && !run.posted) await finishAsync(run);
    active = null;
  }
  lanePort.close();
  return "closed";
}

startWorker();
externalBaseline = (v8.getHeapStatistics() as { external_memory?: number }).external_memory ?? 0;
