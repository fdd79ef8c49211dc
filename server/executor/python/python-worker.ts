// The Python rule worker: a piscina worker entry (bundled to .executor-dist/python-worker.cjs) that
// holds one CPython interpreter (Pyodide, WebAssembly) for its whole life — the talk's interpreter
// pool: the interpreter and the allowlisted stdlib are loaded when the worker starts, never on the
// request path.
//
// Isolation per run is a memory restore: after start, the interpreter's linear memory is copied
// (the clean state), and after every run it is written back, so whatever a run changed — module
// attributes, builtins, sys, class attributes, the decimal context, random's state, caches — is
// gone before the next run starts. Only the parts of memory that can hold state are copied: the
// static data, the live part of the stack (below the stack pointer at the snapshot it is dead) and
// the heap up to the allocator's break; memory the run grew past that is zeroed. A new rule source
// is compiled once and the snapshot retaken, so compiled code survives restores.
// Escape is held by runner.py (guarded builtins, import allowlist, AST transform) and behind it
// the executor process's wall; `js` and `pyodide_js` are unregistered, the JS globals Python
// would see are an empty object, and runner.py removes Pyodide's FFI packages (`pyodide`,
// `_pyodide`, `_pyodide_core`, …) and its import hook from the import system once it is built.
// This file needs none of them after that: it calls run_one and prepare, which return strings.
// Time guard: the pool writes SIGINT into the lane's interrupt buffer at the run's limit (and again
// until it answers); Python raises KeyboardInterrupt, the run ends as `timeout` and the interpreter
// is reused. A run stuck in one C call (a huge integer power) never checks it: the pool's deadline
// terminates the worker. Memory: the WebAssembly memory may not grow past the snapshot's break plus
// the run's memoryMb, so the allocator fails and Python raises MemoryError (`memory`).
// Plain Node, bundled by esbuild: no "server-only", no "@/" imports; pyodide stays external.
import { constants as fsConstants } from "node:fs";
import { constants as osConstants } from "node:os";
import path from "node:path";
import { receiveMessageOnPort, type MessagePort } from "node:worker_threads";
import { loadPyodide, type PyodideAPI } from "pyodide";
import policy from "../../analysis/python/policy.json";
import type { LogEntry, RuleError } from "../../contracts/run";
import { jsonDepth, MAX_OUTPUT_DEPTH } from "../json-depth";
import type { LaneInit, PoolToWorkerMessage, WorkerResultMessage, WorkerRunMessage } from "../protocol";
import runnerSource from "./runner.py";

// The intrinsics this file calls while it serves runs, captured at load, before any run (fifth
// adversarial pass: a rule that reached pyodide.ffi replaced the realm's JSON.parse and forged the
// outcome of every later run on the worker; JavaScript state is not part of the memory restore).
// Behind that, hardenRealm() freezes the realm's intrinsics once the interpreter is loaded.
const jsonParse = JSON.parse;
const jsonStringify = JSON.stringify;
const byteLength = Buffer.byteLength;
const atomicsStore = Atomics.store;
const atomicsLoad = Atomics.load;
const atomicsWait = Atomics.wait;
const performanceNow = performance.now.bind(performance);
const getRandomValues = crypto.getRandomValues.bind(crypto);

const MIB = 1024 * 1024;
const WASM_PAGE = 65_536;
const SIGINT = 2;

/** The parts of Emscripten's module object this worker uses (Pyodide's `_module`, not public API). */
interface EmscriptenModule {
  HEAPU8: Uint8Array;
  _sbrk(increment: number): number;
  stackSave(): number;
  _emscripten_stack_get_end(): number;
  _emscripten_stack_get_base(): number;
}

interface PyCallable {
  (...args: unknown[]): unknown;
}

interface Interpreter {
  pyodide: PyodideAPI;
  module: EmscriptenModule;
  memory: WebAssembly.Memory;
  runOne: PyCallable;
  prepare: PyCallable;
}

// ---------------------------------------------------------------------------------------------
// The memory cap. Emscripten grows the heap through WebAssembly.Memory.prototype.grow and treats a
// throw as "out of memory"; only this worker's interpreter memory is capped.
let cappedMemory: WebAssembly.Memory | null = null;
let capBytes = Infinity;
const realGrow = WebAssembly.Memory.prototype.grow;
WebAssembly.Memory.prototype.grow = function grow(this: WebAssembly.Memory, delta: number): number {
  if (this === cappedMemory && this.buffer.byteLength + delta * WASM_PAGE > capBytes) {
    throw new RangeError("Rulebox: the run's memory limit");
  }
  return realGrow.call(this, delta);
};

// Emscripten keeps the memory object private: note the memories of the modules instantiated in
// this worker (only Pyodide's), and pick the one behind the interpreter's heap view.
const instantiatedMemories: WebAssembly.Memory[] = [];
const realInstantiate = WebAssembly.instantiate;
WebAssembly.instantiate = async function instantiate(...args: Parameters<typeof WebAssembly.instantiate>) {
  const result = (await (realInstantiate as (...a: unknown[]) => Promise<unknown>)(...args)) as WebAssembly.Instance | { instance: WebAssembly.Instance };
  const instance = result instanceof WebAssembly.Instance ? result : result.instance;
  const memory = instance.exports.memory;
  if (memory instanceof WebAssembly.Memory) instantiatedMemories.push(memory);
  return result;
} as typeof WebAssembly.instantiate;

// The run clock: CPython reads the wall clock through Emscripten's Date.now(), so datetime.now(),
// date.today() and time.time() read the run's fixed clock (a replay with the recorded clock is exact).
let runClock = 0;
const hostDateNow = Date.now;

// ---------------------------------------------------------------------------------------------
// The clean state.
interface Snapshot {
  staticEnd: number;
  stackLow: number;
  heapTop: number;
  staticBytes: Uint8Array;
  liveBytes: Uint8Array;
}

let snapshot: Snapshot | null = null;

/** The interpreter's memory as bytes (a grown memory has a new buffer; Emscripten's view may lag). */
function heapView(interp: Interpreter): Uint8Array {
  const view = interp.module.HEAPU8;
  return view.buffer === interp.memory.buffer ? view : new Uint8Array(interp.memory.buffer);
}

function heapTop(module: EmscriptenModule): number {
  return module._sbrk(0) >>> 0;
}

function takeSnapshot(interp: Interpreter): void {
  const { module } = interp;
  const heap = heapView(interp);
  // Memory layout (Emscripten): static data [0, stack end), the stack [end, base) growing down,
  // then the heap [base, break). Below the stack pointer, the stack holds nothing live.
  const staticEnd = module._emscripten_stack_get_end() >>> 0;
  const stackLow = module.stackSave() >>> 0;
  const top = heapTop(module);
  if (!(staticEnd <= stackLow && stackLow <= top && top <= heap.length)) throw new Error(`unexpected memory layout (${staticEnd}, ${stackLow}, ${top})`);
  const reuse = snapshot && snapshot.staticEnd === staticEnd && snapshot.stackLow === stackLow && snapshot.liveBytes.length === top - stackLow;
  const staticBytes = reuse ? snapshot!.staticBytes : new Uint8Array(staticEnd);
  const liveBytes = reuse ? snapshot!.liveBytes : new Uint8Array(top - stackLow);
  staticBytes.set(heap.subarray(0, staticEnd));
  liveBytes.set(heap.subarray(stackLow, top));
  snapshot = { staticEnd, stackLow, heapTop: top, staticBytes, liveBytes };
}

function restoreSnapshot(interp: Interpreter): void {
  const s = snapshot!;
  const grownTo = heapTop(interp.module);
  const heap = heapView(interp);
  heap.set(s.staticBytes, 0);
  heap.set(s.liveBytes, s.stackLow);
  if (grownTo > s.heapTop) heap.fill(0, s.heapTop, Math.min(grownTo, heap.length));
}

function setCap(interp: Interpreter, memoryMb: number): void {
  cappedMemory = interp.memory;
  const cap = snapshot!.heapTop + memoryMb * MIB;
  capBytes = Math.max(interp.memory.buffer.byteLength, Math.ceil(cap / WASM_PAGE) * WASM_PAGE);
}

// ---------------------------------------------------------------------------------------------
// Start.
function pyodideDir(): string {
  return path.dirname(require.resolve("pyodide"));
}

async function bootInterpreter(): Promise<Interpreter> {
  // Emscripten's NODEFS reads the fs flag constants through process.binding("constants"), which
  // Node's permission model (the executor's wall) refuses; hand it the same constants from the
  // public API for the load, then put the refusing original back.
  const host = process as unknown as { binding(name: string): unknown };
  const realBinding = host.binding;
  host.binding = function binding(name: string) {
    if (name === "constants") return { fs: fsConstants, os: osConstants };
    return realBinding.call(process, name);
  };
  try {
    return await loadInterpreter();
  } finally {
    host.binding = realBinding;
  }
}

async function loadInterpreter(): Promise<Interpreter> {
  const pyodide = await loadPyodide({
    indexURL: `${pyodideDir()}${path.sep}`,
    stdout: () => undefined,
    stderr: () => undefined,
    // What Python's `js` module would expose: nothing.
    jsglobals: Object.create(null) as object,
    env: { HOME: "/home/rule", PYTHONHASHSEED: "0" },
  });
  for (const name of ["js", "pyodide_js"]) {
    try {
      pyodide.unregisterJsModule(name);
    } catch {
      // not registered in this build
    }
  }
  pyodide.globals.set("RULEBOX_POLICY_JSON", jsonStringify(policy));
  pyodide.runPython(runnerSource, { filename: "<rulebox>" });
  const runOne = pyodide.globals.get("run_one") as PyCallable;
  const prepare = pyodide.globals.get("prepare") as PyCallable;
  pyodide.runPython("import gc\ngc.collect()\ngc.freeze()\ndel gc");
  const module = (pyodide as unknown as { _module: EmscriptenModule })._module;
  const memory = findMemory(module);
  return { pyodide, module, memory, runOne, prepare };
}

function findMemory(module: EmscriptenModule): WebAssembly.Memory {
  const memory = instantiatedMemories.find((m) => m.buffer === module.HEAPU8.buffer);
  if (!memory) throw new Error("the interpreter's WebAssembly memory was not found");
  WebAssembly.instantiate = realInstantiate;
  return memory;
}

/**
 * Freezes the worker realm's intrinsics (their prototypes and constructors) once the interpreter is
 * loaded and before the first run: even code that reached JavaScript could then not change what
 * this file, Pyodide or piscina call in a later run (JSON.parse, Array/String/typed-array methods,
 * MessagePort.prototype.postMessage, Date.now, ...). The global bindings themselves stay writable
 * (Node and piscina set globals), which is why the calls above use the captured references.
 */
function hardenRealm(): void {
  const g = globalThis as unknown as Record<string, unknown>;
  const names = [
    "Object", "Function", "Array", "String", "Number", "Boolean", "Symbol", "BigInt", "Math", "JSON", "Reflect",
    "Atomics", "Promise", "Map", "Set", "WeakMap", "WeakSet", "WeakRef", "FinalizationRegistry", "Date", "RegExp",
    "Error", "TypeError", "RangeError", "SyntaxError", "ReferenceError", "EvalError", "URIError", "AggregateError",
    "ArrayBuffer", "SharedArrayBuffer", "DataView", "Int8Array", "Uint8Array", "Uint8ClampedArray", "Int16Array",
    "Uint16Array", "Int32Array", "Uint32Array", "Float32Array", "Float64Array", "BigInt64Array", "BigUint64Array",
    "WebAssembly", "TextDecoder", "TextEncoder", "Buffer", "MessagePort", "MessageChannel", "EventTarget", "Event",
  ];
  // Error itself stays extensible: V8 and Pyodide write Error.stackTraceLimit when they make an
  // error (a frozen Error broke PythonError); Error.prototype is frozen like the rest.
  const frozen = new Set<unknown>([Error]);
  const freeze = (value: unknown): void => {
    if ((typeof value !== "object" && typeof value !== "function") || value === null || frozen.has(value)) return;
    frozen.add(value);
    Object.freeze(value);
    for (const key of Reflect.ownKeys(value as object)) {
      const descriptor = Reflect.getOwnPropertyDescriptor(value as object, key);
      if (descriptor && "value" in descriptor) freeze(descriptor.value);
    }
    freeze(Object.getPrototypeOf(value));
  };
  const typedArray = Object.getPrototypeOf(Uint8Array) as unknown;
  for (const value of [...names.map((name) => g[name]), Error.prototype, typedArray, Object.getPrototypeOf(function* () {}), Object.getPrototypeOf(async function () {}), Object.getPrototypeOf([][Symbol.iterator]())]) {
    freeze(value);
  }
  for (const name of ["JSON", "Math", "Reflect", "Atomics", "WebAssembly", "Object", "Array", "Function", "String", "Date", "Buffer", "MessagePort"]) {
    Object.defineProperty(g, name, { writable: false, configurable: false });
  }
}

const booting: Promise<Interpreter> = bootInterpreter().then((interp) => {
  Date.now = () => runClock;
  takeSnapshot(interp);
  hardenRealm();
  return interp;
});
// A failed start is reported to the pool by serveLane; this only keeps it from being unhandled.
booting.catch(() => undefined);

// ---------------------------------------------------------------------------------------------
// One run.
interface RunMeta {
  o: WorkerResultMessage["outcome"];
  e?: RuleError;
  logs?: [string, string][];
  lt?: boolean;
}

const OUTCOMES = new Set(["ok", "error", "timeout", "memory", "output_limit"]);
/** Set when the interpreter can no longer be trusted (a fatal error): the worker asks to be replaced. */
let interpreterBroken = false;

function randomSeed(): number {
  const words = new Uint32Array(2);
  getRandomValues(words);
  return words[0]! * 0x100000 + (words[1]! >>> 12);
}

function failure(message: WorkerRunMessage, outcome: WorkerResultMessage["outcome"], error: RuleError, durationMs: number): WorkerResultMessage {
  return { type: "result", id: message.id, outcome, logs: [], logsTruncated: false, error, durationMs };
}

function toResult(message: WorkerRunMessage, text: string, durationMs: number, grown: number): WorkerResultMessage {
  const newline = text.indexOf("\n");
  const meta = jsonParse(newline < 0 ? text : text.slice(0, newline)) as RunMeta;
  let output = newline < 0 ? "" : text.slice(newline + 1);
  if (!OUTCOMES.has(meta.o)) throw new Error("outcome");
  const logs: LogEntry[] = (meta.logs ?? []).map(([, text]) => ({ level: "log", message: String(text) }));
  const result: WorkerResultMessage = { type: "result", id: message.id, outcome: meta.o, logs, logsTruncated: meta.lt === true, durationMs, memoryBytes: grown };
  if (meta.e) result.error = meta.e;
  if (meta.o === "ok" && output !== "") {
    const size = byteLength(output, "utf8");
    const depth = jsonDepth(output);
    if (size > message.maxOutputBytes) {
      result.outcome = "output_limit";
      result.error = {
        name: "OutputLimitError",
        message: `The output is ${size} bytes, over the limit of ${message.maxOutputBytes} bytes`,
        frames: [],
        limit: { name: "maxOutputBytes", value: message.maxOutputBytes },
      };
      output = "";
    } else if (depth > MAX_OUTPUT_DEPTH) {
      result.outcome = "error";
      result.error = { name: "OutputError", message: `The output is nested ${depth} levels deep; at most ${MAX_OUTPUT_DEPTH} levels are allowed (as for inputs)`, frames: [] };
      output = "";
    }
  }
  if (result.outcome === "ok" && output !== "") result.output = output;
  return result;
}

function runOnce(interp: Interpreter, interrupt: Int32Array, message: WorkerRunMessage): WorkerResultMessage {
  const started = performanceNow();
  atomicsStore(interrupt, 0, 0);
  runClock = message.clock;
  setCap(interp, message.memoryMb);
  const prepared = String(interp.prepare(message.code));
  if (prepared === "") {
    // A new source, now compiled into the interpreter's cache: that becomes the clean state.
    takeSnapshot(interp);
  } else if (prepared !== "hit") {
    return toResult(message, `${prepared}\n`, performanceNow() - started, 0);
  }
  const text = String(
    interp.runOne(
      message.code,
      message.input,
      message.clock,
      randomSeed(),
      message.timeoutMs,
      message.memoryMb,
      message.maxOutputBytes,
      message.maxLogBytes,
      message.ruleId ?? null,
      message.version ?? null,
    ),
  );
  const grown = Math.max(0, heapTop(interp.module) - snapshot!.heapTop);
  return toResult(message, text, performanceNow() - started, grown);
}

function handleRun(interp: Interpreter, interrupt: Int32Array, message: WorkerRunMessage): WorkerResultMessage {
  if (interpreterBroken) {
    const result = failure(message, "error", { name: "InterpreterError", message: "The Python interpreter of this worker failed; the run did not start", frames: [] }, 0);
    result.recycle = true;
    return result;
  }
  try {
    return runOnce(interp, interrupt, message);
  } catch (error) {
    // Nothing a rule does throws out of run_one; an exception here means the interpreter itself
    // failed (a fatal error, a trap): answer and ask to be replaced.
    interpreterBroken = true;
    const atCap = interp.memory.buffer.byteLength + WASM_PAGE > capBytes;
    const result = atCap
      ? failure(message, "memory", { name: "MemoryLimitError", message: `The rule used more than its memory limit of ${message.memoryMb} MB`, frames: [], limit: { name: "memoryMb", value: message.memoryMb } }, 0)
      : failure(message, "error", { name: "InterpreterError", message: `The Python interpreter failed: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`.slice(0, 500), frames: [] }, 0);
    result.recycle = true;
    return result;
  }
}

/** The piscina task: serves runs for this worker until the pool closes the lane. */
export default async function serveLane(init: LaneInit): Promise<string> {
  const interp = await booting;
  const port: MessagePort = init.port;
  const { wake } = init;
  const interrupt = init.interrupt ?? new Int32Array(new SharedArrayBuffer(4));
  interp.pyodide.setInterruptBuffer(interrupt);
  port.postMessage({ type: "ready" });
  for (;;) {
    const seen = atomicsLoad(wake, 0);
    const received = receiveMessageOnPort(port);
    if (!received) {
      atomicsWait(wake, 0, seen);
      continue;
    }
    const message = received.message as PoolToWorkerMessage;
    if (message.type === "close") break;
    const result = handleRun(interp, interrupt, message);
    port.postMessage(result);
    // A broken interpreter is not restored: the pool retires this lane (recycle) and terminates
    // the thread, so the next lane never finds this interpreter.
    if (interpreterBroken) continue;
    // After the answer is on its way: the next run starts from the clean state.
    restoreSnapshot(interp);
  }
  port.close();
  return "closed";
}

export { hostDateNow };
