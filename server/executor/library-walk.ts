// The calling walk over the preloaded libraries: finds every object a rule can reach from them,
// not only by property, prototype and getter, but by calling every function and method it meets
// on sample values, and reports each one that every run would share but is not frozen.
//
// Why calling: a library's module state is often reachable only as a method's result —
// `dayjs().$utils()` returned dayjs's module-level Utils object, unfrozen, so one run could
// rewrite the `s` helper every later format() uses and read or change other runs' results. A
// property walk never meets it.
//
// How "shared" is told apart from "the run's own": every call is made twice, with fresh
// arguments each time, on two distinct instances of the same kind (a "pair"), and — where the
// caller has one — with a run boundary (`beginRun`) before each. Whatever object both calls return, or
// both results hold at the same place, or both instances inherit, cannot come from the caller:
// the library keeps it, so every run meets it. Each such object must be frozen, and none may be
// a collection (Map, Set, WeakMap, WeakSet) or a Date, whose contents freezing does not protect.
// A call that returns a different primitive on the second try keeps hidden state in a closure
// (a counter, a cache), unless it is known to be random.
//
// Written by hand: this is the product's core guarantee, and no library does it. It is one
// self-contained function with no imports and no module-level helpers, because the audit test
// also runs its source *as a rule* (server/executor/hostile/shared-state-audit.test.ts), so it
// sees exactly what a rule sees.

export interface LibraryWalkRoot {
  /** Where the walk starts, named as a rule would write it ("dayjs", "lodash"). */
  path: string;
  /** A shared object (the same for every run)... */
  value: unknown;
  /** ...or, for per-run objects, a second one of the same kind from another run. */
  peer?: unknown;
}

export interface LibraryWalkOptions {
  /** Called before each of the two calls of every pair: a real run boundary where there is one. */
  beginRun?: () => void;
  /** Upper bound on calls; the report says when it was reached. */
  maxCalls?: number;
  /** Paths (as reported) whose primitive results may differ between calls (random by design). */
  randomPaths?: readonly RegExp[];
  /** Paths whose shared object is per-run state by design (a getter that returns the run's own). */
  perRunPaths?: readonly RegExp[];
  /**
   * Call a method only once per method name and source text, not once per kind of instance (zod
   * gives every schema class the same ~60 methods): about a quarter of the calls for zod.
   */
  dedupeBySource?: boolean;
}

export interface LibraryWalkReport {
  /** Shared objects that were not frozen. */
  mutable: string[];
  /** Shared collections, Dates and the global object: freezing cannot protect them. */
  stateful: string[];
  /** Calls whose primitive result differed between two identical calls. */
  divergent: string[];
  /** How many shared objects the walk met, and how many calls it made. */
  shared: number;
  calls: number;
  /** True when maxCalls stopped the walk before it had met everything. */
  exhausted: boolean;
  /** Paths of a few shared objects met only as call results (shows the walk calls). */
  viaCalls: string[];
}

/** Walks the libraries from `roots` (see file header). Self-contained: its source runs as a rule too. */
export function walkLibraries(roots: readonly LibraryWalkRoot[], options: LibraryWalkOptions): LibraryWalkReport {
  const maxCalls = options.maxCalls ?? 200_000;
  const randomPaths = options.randomPaths ?? [];
  const perRunPaths = options.perRunPaths ?? [];
  const MAX_PAIR_DEPTH = 5;
  const MAX_PATH_CHARS = 300;
  const report: LibraryWalkReport = { mutable: [], stateful: [], divergent: [], shared: 0, calls: 0, exhausted: false, viaCalls: [] };
  const isObject = (v: unknown): v is object => (typeof v === "object" || typeof v === "function") && v !== null;
  const clipPath = (p: string) => (p.length > MAX_PATH_CHARS ? `…${p.slice(-MAX_PATH_CHARS)}` : p);

  // Library objects may be proxies whose traps run library code and throw: every reflective
  // step goes through these.
  const ownKeysOf = (v: object): PropertyKey[] => {
    try {
      return Reflect.ownKeys(v);
    } catch {
      return [];
    }
  };
  const descriptorOf = (v: object, key: PropertyKey): PropertyDescriptor | undefined => {
    try {
      return Reflect.getOwnPropertyDescriptor(v, key);
    } catch {
      return undefined;
    }
  };
  const prototypeOf = (v: object): object | null => {
    try {
      return Reflect.getPrototypeOf(v);
    } catch {
      return null;
    }
  };
  const isFrozen = (v: object): boolean => {
    try {
      return Object.isFrozen(v);
    } catch {
      return false;
    }
  };

  // The realm's own objects (the standard intrinsics) are SES's to freeze, not ours to call:
  // everything reachable by a few property and prototype steps from the standard global names,
  // plus the intrinsics no global names. Any other global (a host object such as `process`) that
  // the walk meets is a finding: a library must never lead a rule there.
  const globalObject = globalThis as unknown as Record<string, unknown>;
  const STANDARD_GLOBALS = [
    "Object", "Function", "Array", "Number", "Boolean", "String", "Symbol", "BigInt", "Date", "Promise", "RegExp",
    "Error", "AggregateError", "EvalError", "RangeError", "ReferenceError", "SyntaxError", "TypeError", "URIError",
    "JSON", "Math", "Intl", "Reflect", "Proxy", "Map", "Set", "WeakMap", "WeakSet", "WeakRef", "FinalizationRegistry",
    "ArrayBuffer", "SharedArrayBuffer", "DataView", "Atomics", "Int8Array", "Uint8Array", "Uint8ClampedArray",
    "Int16Array", "Uint16Array", "Int32Array", "Uint32Array", "Float32Array", "Float64Array", "BigInt64Array",
    "BigUint64Array", "parseFloat", "parseInt", "isFinite", "isNaN", "decodeURI", "decodeURIComponent", "encodeURI",
    "encodeURIComponent", "escape", "unescape", "eval", "harden", "Compartment", "assert", "lockdown",
  ];
  const skip = new Set<object>();
  const hidden: unknown[] = [
    prototypeOf(function* () {}),
    prototypeOf(async function () {}),
    prototypeOf(async function* () {}),
    prototypeOf([][Symbol.iterator]()),
    prototypeOf(new Map()[Symbol.iterator]()),
    prototypeOf(new Set()[Symbol.iterator]()),
    prototypeOf(""[Symbol.iterator]()),
    prototypeOf("a".matchAll(/a/g)),
    prototypeOf(Int8Array),
    (function () {
      "use strict";
      return descriptorOf(arguments, "callee")?.get;
    })(),
  ];
  const skipQueue: Array<[unknown, number]> = hidden.map((h): [unknown, number] => [h, 1]);
  for (const name of STANDARD_GLOBALS) {
    const d = descriptorOf(globalObject, name);
    if (d) skipQueue.push([d.value, 0]);
  }
  while (skipQueue.length > 0) {
    const [value, depth] = skipQueue.pop()!;
    if (!isObject(value) || skip.has(value) || value === globalObject) continue;
    skip.add(value);
    if (depth >= 3) continue;
    skipQueue.push([prototypeOf(value), depth + 1]);
    for (const key of ownKeysOf(value)) {
      const d = descriptorOf(value, key);
      if (d) skipQueue.push([d.value, depth + 1], [d.get, depth + 1], [d.set, depth + 1]);
    }
  }
  const hostGlobals = new Map<object, string>();
  for (const key of ownKeysOf(globalObject)) {
    const d = descriptorOf(globalObject, key);
    if (d && isObject(d.value) && !skip.has(d.value) && d.value !== globalObject) hostGlobals.set(d.value, String(key));
  }

  const brandOf = (value: object): string | null => {
    const checks: Array<[string, () => unknown]> = [
      ["Map", () => Map.prototype.has.call(value, value)],
      ["Set", () => Set.prototype.has.call(value, value)],
      ["WeakMap", () => WeakMap.prototype.has.call(value, value)],
      ["WeakSet", () => WeakSet.prototype.has.call(value, value)],
      ["Date", () => Date.prototype.getTime.call(value)],
    ];
    for (const [name, check] of checks) {
      try {
        check();
        return name;
      } catch {
        // not this kind
      }
    }
    return null;
  };

  // Arguments: fresh objects for every call, so nothing a call hands back from them is the same
  // twice. Callbacks record what the library passes them (lodash hands its internal Stack to
  // customizers), and those are paired up across the two calls as well.
  type Received = unknown[];
  const makeArgSets = (peer: unknown, received: Received): Array<() => unknown[]> => {
    const callback = (...args: unknown[]) => {
      if (received.length < 64) received.push(...args.slice(0, 8));
      return undefined;
    };
    const sets: Array<() => unknown[]> = [
      () => [],
      () => [1],
      () => ["a"],
      () => [2, "day"],
      () => [{ a: 1, b: [1, { c: 2 }] }],
      () => [[1, 2, 3]],
      () => [callback],
      () => [[{ a: 1 }, { a: 2 }], callback],
      () => [{ a: { b: 1 } }, { a: { c: 2 } }, callback],
      () => [{ a: 1 }, "a"],
    ];
    if (peer !== undefined) sets.push(() => [peer], () => [peer, 1]);
    return sets;
  };

  const sharedSeen = new Set<object>();
  const pairSeen = new WeakSet<object>();
  /** Prototypes whose methods were already called on an instance pair. */
  const methodsCalled = new Set<object>();
  /** (prototype, key) of instance-own functions already called on a pair. */
  const ownCalled = new Map<object, Set<PropertyKey>>();
  const methodCalledOnPair = new WeakSet<object>();
  const ownSources = new Set<string>();

  type Work =
    | { kind: "shared"; value: object; path: string; owner: unknown; viaCall: boolean }
    | { kind: "pair"; a: object; b: object; path: string; depth: number };
  const queue: Work[] = [];

  const noteShared = (value: object, path: string, viaCall: boolean, owner?: unknown) => {
    if (skip.has(value) || sharedSeen.has(value)) return;
    if (perRunPaths.some((re) => re.test(path))) return;
    sharedSeen.add(value);
    report.shared += 1;
    // A library may keep its own frozen state on the global object (zod does); anything else
    // there is the host's, never to be handed to a rule.
    if (value === globalObject || (hostGlobals.has(value) && !isFrozen(value))) {
      report.stateful.push(`${clipPath(path)} is the host's ${value === globalObject ? "global object" : `global ${hostGlobals.get(value)}`}`);
      return;
    }
    const brand = typeof value === "object" ? brandOf(value) : null;
    if (brand) report.stateful.push(`${clipPath(path)} is a ${brand}`);
    if (!isFrozen(value)) report.mutable.push(clipPath(path));
    if (viaCall && report.viaCalls.length < 50) report.viaCalls.push(clipPath(path));
    queue.push({ kind: "shared", value, path, owner, viaCall });
  };

  const compare = (r1: unknown, r2: unknown, path: string, viaCall: boolean, depth: number) => {
    if (!isObject(r1) || !isObject(r2)) {
      if (viaCall && !isObject(r1) && !isObject(r2) && !Object.is(r1, r2) && !randomPaths.some((re) => re.test(path))) {
        if (report.divergent.length < 100) report.divergent.push(clipPath(path));
      }
      return;
    }
    if (r1 === r2) noteShared(r1, path, viaCall);
    else if (depth <= MAX_PAIR_DEPTH) queue.push({ kind: "pair", a: r1, b: r2, path, depth });
  };

  const callPair = (fa: unknown, ta: unknown, fb: unknown, tb: unknown, path: string, construct: boolean, depth: number, peers: [unknown, unknown]) => {
    if (typeof fa !== "function" || typeof fb !== "function") return;
    const receivedA: Received = [];
    const receivedB: Received = [];
    const setsA = makeArgSets(peers[0], receivedA);
    const setsB = makeArgSets(peers[1], receivedB);
    for (let i = 0; i < setsA.length; i += 1) {
      if (report.calls >= maxCalls) {
        report.exhausted = true;
        return;
      }
      report.calls += 2;
      const argsA = setsA[i]!();
      const argsB = setsB[i]!();
      receivedA.length = 0;
      receivedB.length = 0;
      const invoke = (f: Function, t: unknown, args: unknown[]): { ok: boolean; value: unknown } => {
        try {
          return { ok: true, value: construct ? Reflect.construct(f, args) : Reflect.apply(f, t, args) };
        } catch (error) {
          return { ok: false, value: error };
        }
      };
      // Each call in a run of its own, as two rules would make them.
      options.beginRun?.();
      const first = invoke(fa, ta, argsA);
      options.beginRun?.();
      const second = invoke(fb, tb, argsB);
      const label = `${path}${construct ? "new" : ""}(${i})`;
      if (first.ok === second.ok) compare(first.value, second.value, first.ok ? label : `${label}!throw`, true, depth + 1);
      for (let j = 0; j < Math.min(receivedA.length, receivedB.length); j += 1) {
        compare(receivedA[j], receivedB[j], `${label}→callback arg ${j}`, true, depth + 1);
      }
      // A rejected promise result must not surface as an unhandled rejection.
      for (const settled of [first, second]) {
        try {
          if (settled.ok && settled.value instanceof Promise) Promise.prototype.catch.call(settled.value, () => undefined);
        } catch {
          // a proxy that refuses even this
        }
      }
    }
  };

  /** With dedupeBySource: false when a method of this name and source text was already called. */
  const firstOfSource = (key: PropertyKey, fn: Function): boolean => {
    if (!options.dedupeBySource) return true;
    let text = "";
    try {
      text = `${String(key)}\0${Function.prototype.toString.call(fn)}`;
    } catch {
      return true;
    }
    if (ownSources.has(text)) return false;
    ownSources.add(text);
    return true;
  };

  /** Reads a getter on both members of a pair (a run boundary in between) and compares the results. */
  const compareGetter = (getter: Function, a: unknown, b: unknown, name: string, depth: number) => {
    report.calls += 2;
    const read = (target: unknown): { ok: boolean; value: unknown } => {
      try {
        return { ok: true, value: Reflect.apply(getter, target, []) };
      } catch (error) {
        return { ok: false, value: error };
      }
    };
    options.beginRun?.();
    const ra = read(a);
    options.beginRun?.();
    const rb = read(b);
    if (ra.ok === rb.ok) compare(ra.value, rb.value, `${name}(get)`, true, depth + 1);
  };

  /** Calls every method `proto` (and its library ancestors) define on the pair (a, b). */
  const callMethodsOn = (a: object, b: object, path: string, depth: number) => {
    for (let proto = prototypeOf(a) as object | null; proto && !skip.has(proto); proto = prototypeOf(proto) as object | null) {
      if (methodsCalled.has(proto)) continue;
      methodsCalled.add(proto);
      for (const key of ownKeysOf(proto)) {
        if (key === "constructor") continue;
        const d = descriptorOf(proto, key);
        if (!d) continue;
        const name = `${path}.${String(key)}`;
        if (typeof d.value === "function" && firstOfSource(key, d.value)) callPair(d.value, a, d.value, b, name, false, depth, [b, a]);
        if (typeof d.get === "function") compareGetter(d.get, a, b, name, depth);
      }
    }
  };

  for (const root of roots) {
    if (!isObject(root.value)) continue;
    if (root.peer === undefined) noteShared(root.value, root.path, false);
    else if (isObject(root.peer)) queue.push({ kind: "pair", a: root.value, b: root.peer, path: root.path, depth: 0 });
  }

  for (let next = 0; next < queue.length; next += 1) {
    if (report.calls >= maxCalls) {
      report.exhausted = true;
      break;
    }
    const work = queue[next]!;
    if (work.kind === "shared") {
      const { value, path } = work;
      for (const key of ownKeysOf(value)) {
        const d = descriptorOf(value, key);
        if (!d) continue;
        const name = `${path}.${String(key)}`;
        if (isObject(d.value)) noteShared(d.value, name, work.viaCall, value);
        if (isObject(d.get)) noteShared(d.get, `${name}(get)`, work.viaCall, value);
        if (isObject(d.set)) noteShared(d.set, `${name}(set)`, work.viaCall, value);
        if (typeof d.get === "function") compareGetter(d.get, value, value, name, 0);
      }
      const proto = prototypeOf(value) as object | null;
      if (proto) noteShared(proto, `${path}.__proto__`, work.viaCall);
      if (typeof value === "function") {
        // Called as a function of its owner (a namespace member or a static method), and, when it
        // has a prototype of its own, as a constructor.
        if (firstOfSource(`${path.slice(path.lastIndexOf(".") + 1)}@`, value)) callPair(value, work.owner, value, work.owner, path, false, 0, [undefined, undefined]);
        const prototype = (value as { prototype?: unknown }).prototype;
        if (isObject(prototype) && !skip.has(prototype)) callPair(value, undefined, value, undefined, path, true, 0, [undefined, undefined]);
      }
    } else {
      const { a, b, path, depth } = work;
      if (pairSeen.has(a) || pairSeen.has(b)) continue;
      pairSeen.add(a);
      pairSeen.add(b);
      const protoA = prototypeOf(a) as object | null;
      const protoB = prototypeOf(b) as object | null;
      if (protoA && protoA === protoB) {
        noteShared(protoA, `${path}.__proto__`, true);
        callMethodsOn(a, b, path, depth);
      } else if (isObject(protoA) && isObject(protoB)) {
        queue.push({ kind: "pair", a: protoA, b: protoB, path: `${path}.__proto__`, depth: depth + 1 });
      }
      let calledOwn = protoA ? ownCalled.get(protoA) : undefined;
      if (protoA && !calledOwn) ownCalled.set(protoA, (calledOwn = new Set()));
      for (const key of ownKeysOf(a)) {
        const da = descriptorOf(a, key);
        const db = descriptorOf(b, key);
        if (!da || !db) continue;
        const name = `${path}.${String(key)}`;
        for (const [va, vb, suffix] of [[da.value, db.value, ""], [da.get, db.get, "(get)"], [da.set, db.set, "(set)"]] as const) {
          if (!isObject(va) || !isObject(vb)) continue;
          if (va === vb) {
            noteShared(va, `${name}${suffix}`, true);
            // A shared function held by per-run objects (decimal.js's statics on each clone) is
            // called as a method of each, once per function.
            if (!methodCalledOnPair.has(va)) {
              methodCalledOnPair.add(va);
              if (suffix === "(get)") compareGetter(va, a, b, name, depth);
              else if (suffix === "" && typeof va === "function") callPair(va, a, va, b, name, false, depth, [b, a]);
            }
          } else if (typeof va === "function" && typeof vb === "function" && suffix === "") {
            // Instance-own methods (zod builds them per instance): called once per kind.
            if (calledOwn && !calledOwn.has(key)) {
              calledOwn.add(key);
              const fresh = firstOfSource(key, va);
              if (fresh) callPair(va, a, vb, b, name, false, depth, [b, a]);
            }
          } else if (depth < MAX_PAIR_DEPTH) {
            queue.push({ kind: "pair", a: va, b: vb, path: `${name}${suffix}`, depth: depth + 1 });
          }
        }
      }
    }
  }
  return report;
}
