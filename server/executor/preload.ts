// The preload registry: lodash, dayjs, decimal.js and zod, loaded once per worker, set up, made
// deterministic, stripped of what would reach the host (timers, code generation, global state),
// and hardened. Every run shares these objects, so nothing reachable from them may hold state a
// run can write and a later run can read. Runs inside the rule worker (plain Node, bundled).
import lodash from "lodash";
import dayjs from "dayjs";
import advancedFormat from "dayjs/plugin/advancedFormat";
import customParseFormat from "dayjs/plugin/customParseFormat";
import duration from "dayjs/plugin/duration";
import isBetween from "dayjs/plugin/isBetween";
import isSameOrAfter from "dayjs/plugin/isSameOrAfter";
import isSameOrBefore from "dayjs/plugin/isSameOrBefore";
import isoWeek from "dayjs/plugin/isoWeek";
import minMax from "dayjs/plugin/minMax";
import quarterOfYear from "dayjs/plugin/quarterOfYear";
import relativeTime from "dayjs/plugin/relativeTime";
import utc from "dayjs/plugin/utc";
import weekOfYear from "dayjs/plugin/weekOfYear";
import Decimal from "decimal.js";
import * as zod from "zod";
import type { PreloadedModuleName } from "./preload-names";

/** A module namespace as a rule sees it: a hardened plain object of data properties. */
export type ModuleNamespace = Readonly<Record<string, unknown>>;

export interface HostCapabilities {
  /** The Date every run (and every library) sees; `now()` reads the current run's clock. */
  Date: DateConstructor;
  /** Replaces host capabilities a library could reach (timers, code generation): always throws. */
  blocked(name: string): (...args: unknown[]) => never;
}

export interface Preloads {
  /** Export names of each module, for checking a rule's named imports before it runs. */
  exportNames: Readonly<Record<PreloadedModuleName, ReadonlySet<string>>>;
  /** The namespaces one run sees: shared hardened ones, plus per-run state where a library needs it. */
  modulesForRun(): Readonly<Record<PreloadedModuleName, ModuleNamespace>>;
  /** Called before every run: gives the run fresh copies of the little per-run library state. */
  beginRun(): void;
  /** Called after a run was interrupted mid-way: restores library flags a half-done call can leave. */
  repairAfterInterrupt(): void;
}

function namespaceOf(defaultExport: unknown, named: Record<string, unknown>): ModuleNamespace {
  return { ...named, default: defaultExport };
}

// lodash: a pristine copy bound to a context without host timers or code generation, so that
// _.delay/_.defer/_.debounce cannot schedule work after a run and _.template cannot reach the
// host's Function; runInContext itself would rebind to the host global and is removed.
function setUpLodash(host: HostCapabilities): { namespace: ModuleNamespace; beginRun(): void } {
  const BlockedFunction = host.blocked("Function (lodash _.template)") as unknown as FunctionConstructor;
  Object.defineProperty(BlockedFunction, "prototype", { value: Function.prototype });
  const _ = lodash.runInContext({
    Date: host.Date,
    Function: BlockedFunction,
    setTimeout: host.blocked("setTimeout (lodash _.delay/_.defer/_.debounce/_.throttle)"),
    clearTimeout: host.blocked("clearTimeout"),
  } as unknown as object);
  const shared = _ as unknown as Record<string, unknown>;
  shared.runInContext = host.blocked("_.runInContext");
  shared.noConflict = host.blocked("_.noConflict");
  // lodash also mixes every function into its wrapper prototype: `_(null).runInContext()` would
  // build a lodash on the host's own global (real timers and Function) from any chain.
  const wrapperPrototype = (_ as unknown as { prototype: Record<string, unknown> }).prototype;
  wrapperPrototype.runInContext = host.blocked("_.prototype.runInContext");
  wrapperPrototype.noConflict = host.blocked("_.prototype.noConflict");
  // lodash's own counter is module state every run would share (and could signal through).
  let uniqueIdCounter = 0;
  // mixin() also replaces the wrapper's method: `_.chain(x).uniqueId()` reads this counter too.
  _.mixin(
    {
      uniqueId: function uniqueId(prefix?: unknown): string {
        uniqueIdCounter += 1;
        return `${prefix === undefined || prefix === null ? "" : String(prefix)}${uniqueIdCounter}`;
      },
    },
    { chain: false },
  );
  const named: Record<string, unknown> = {};
  for (const key of Object.keys(shared)) named[key] = shared[key];
  return {
    namespace: namespaceOf(_, named),
    beginRun() {
      uniqueIdCounter = 0;
    },
  };
}

// dayjs: plugins are installed before hardening (they patch the prototype). `dayjs.locale(x)`
// would change a module-level default for every later run, so only the read form is kept.
function setUpDayjs(host: HostCapabilities): ModuleNamespace {
  for (const plugin of <dayjs.PluginFunc<unknown>[]>[advancedFormat, customParseFormat, duration, isBetween, isSameOrAfter, isSameOrBefore, isoWeek, minMax, quarterOfYear, relativeTime, utc, weekOfYear]) {
    dayjs.extend(plugin);
  }
  const readLocale = dayjs.locale;
  const guardedLocale = function locale(...args: unknown[]): string {
    if (args.length > 0) {
      throw new TypeError("dayjs.locale(name) would change the locale of every later run; use dayjs().locale(name) on an instance");
    }
    return readLocale();
  };
  (dayjs as unknown as Record<string, unknown>).locale = guardedLocale;
  // `dayjs().$utils()` returns the module's Utils object (the `s` padding helper every format()
  // uses, `w`, `p`, …): shared by every run and reachable only as a method's result, so the
  // namespace's harden() never met it (found by the calling audit). dayjs only reads it after load.
  harden((dayjs() as unknown as { $utils(): object }).$utils());
  // Read the host's Date through the shared replacement too (dayjs() without arguments).
  void host;
  return namespaceOf(dayjs, {});
}

// decimal.js: operations such as pow/exp/ln temporarily assign the constructor's precision and
// rounding, so a frozen shared constructor cannot work. Each run gets its own clone (lazily, on
// first use): its configuration (Decimal.set) is the run's own, while the prototype with the
// methods is shared and hardened. The module also keeps an `external` flag that some operations
// turn off and back on; an interrupt in between would leave it off, so repair re-runs one.
function setUpDecimal(): { namespaceForRun(): ModuleNamespace; repair(): void } {
  // Every Decimal instance assigns its own `constructor`; on a frozen prototype that assignment
  // would fail (the "override mistake"), so the prototype property becomes an overridable accessor.
  enableOverride(Decimal.prototype, "constructor");
  const base = harden(Decimal.clone());
  // The prototype's `constructor` accessor still hands out decimal.js's own constructor, which
  // every `new Decimal(v)` of every run consults (`instanceof`): frozen, so no run can hang
  // anything on it (a Symbol.hasInstance spy, a stash) for later runs to meet.
  harden(Decimal);
  return {
    namespaceForRun() {
      const RunDecimal = base.clone();
      return Object.freeze({ default: RunDecimal, Decimal: RunDecimal });
    },
    repair() {
      new base(4).sqrt();
    },
  };
}

interface ZodRegistryState {
  _map: WeakMap<object, unknown>;
  _idmap: Map<string, unknown>;
}

// zod: JIT (code generation with the host's Function) off; the global config frozen; and the
// global registry's maps become per-run, so `.meta({ id })`/`.describe()` in one run is invisible
// to the next. zod's namespace objects are copied to plain data objects so harden() freezes the
// exported values themselves rather than accessor getters.
function setUpZod(): { namespace: ModuleNamespace; beginRun(): void; samples: unknown[] } {
  zod.config({ jitless: true });
  const samples = exerciseZod(zod.z as unknown as ZodApi);
  // JSON Schema generation hands every generator zod's module-level table of processors
  // (`new z.core.JSONSchemaGenerator().ctx.processors`), read-only for zod: found by the calling audit.
  try {
    const Generator = (zod.z as unknown as { core?: { JSONSchemaGenerator?: new () => { ctx?: { processors?: object } } } }).core?.JSONSchemaGenerator;
    const processors = Generator ? new Generator().ctx?.processors : undefined;
    if (processors) harden(processors);
  } catch {
    // a zod without the generator: the audit test says what it exposes instead
  }
  const globals = globalThis as unknown as { __zod_globalConfig?: object; __zod_globalRegistry?: object };
  if (globals.__zod_globalConfig) harden(globals.__zod_globalConfig);
  const registry = globals.__zod_globalRegistry;
  let runState: ZodRegistryState | null = null;
  const state = (): ZodRegistryState => (runState ??= { _map: new WeakMap(), _idmap: new Map() });
  if (registry) {
    for (const key of ["_map", "_idmap"] as const) {
      Object.defineProperty(registry, key, {
        get: () => state()[key],
        // registry.clear() assigns fresh maps: that clears this run's state only.
        set: () => {
          runState = null;
        },
        enumerable: false,
        configurable: false,
      });
    }
  }
  const named = materialize(zod) as Record<string, unknown>;
  const z = materialize(zod.z) as Record<string, unknown>;
  named.z = z;
  named.config = function config(): never {
    throw new TypeError("z.config() would change zod for every later run and is not available in a rule");
  };
  z.config = named.config;
  return {
    namespace: namespaceOf(z, named),
    beginRun() {
      runState = null;
    },
    samples,
  };
}

/**
 * Objects the libraries build at run time, one of each kind a rule can get hold of: their
 * prototypes are shared by every run but are not reachable from the exports, so harden() of the
 * namespaces misses them (lodash's Stack/ListCache/MapCache/Hash, handed to customizers; its chain
 * wrappers; dayjs's Duration). zod's schema and error instances come from exerciseZod.
 */
function librarySamples(lodashNamespace: ModuleNamespace, dayjsNamespace: ModuleNamespace): unknown[] {
  const _ = (lodashNamespace as { default: typeof lodash }).default;
  const day = (dayjsNamespace as { default: typeof dayjs }).default;
  const samples: unknown[] = [];
  const keep = (value: unknown) => {
    if ((typeof value === "object" || typeof value === "function") && value !== null) samples.push(value);
  };
  const attempt = (fn: () => unknown) => {
    try {
      keep(fn());
    } catch {
      // a shape this lodash or dayjs build does not have
    }
  };
  // A stack large enough to turn its ListCache into a MapCache (with Hash and ListCache inside).
  const large = Object.fromEntries(Array.from({ length: 300 }, (_unused, i) => [`k${i}`, { i }]));
  const customizer = (...args: unknown[]) => {
    keep(args[3]);
    keep(args[5]);
    return undefined;
  };
  attempt(() => _.cloneDeepWith(large, customizer));
  attempt(() => _.cloneDeepWith({ a: { b: [1] } }, customizer));
  attempt(() => _.isEqualWith(large, { ...large }, customizer));
  attempt(() => _.isEqualWith([{ a: 1 }], [{ a: 1 }], customizer));
  attempt(() => _.mergeWith({ a: { b: 1 } }, { a: { c: 2 } }, customizer));
  attempt(() => {
    const memo = _.memoize((x: unknown) => x);
    memo("s");
    memo(1);
    return memo;
  });
  attempt(() => _.chain([1, 2, 3]).map((x) => x * 2));
  attempt(() => _([1, 2, 3]).map((x) => x * 2).filter(Boolean).take(2));
  attempt(() => _([1, 2, 3]).map((x) => x * 2).reverse());
  attempt(() => day.duration(90, "minutes"));
  attempt(() => day());
  attempt(() => day.utc());
  return samples;
}

/**
 * Hardens every prototype reachable from the samples (own properties and accessors, breadth
 * first, bounded), never the samples themselves. Prototypes already frozen are skipped.
 */
function hardenInstancePrototypes(samples: unknown[]): void {
  const seen = new Set<object>();
  const queue: object[] = samples.filter((v): v is object => (typeof v === "object" || typeof v === "function") && v !== null);
  for (let next = 0; next < queue.length && seen.size < 200_000; next += 1) {
    const value = queue[next]!;
    if (seen.has(value)) continue;
    seen.add(value);
    const proto = Object.getPrototypeOf(value) as object | null;
    if (proto && !Object.isFrozen(proto)) harden(proto);
    for (const key of Reflect.ownKeys(value)) {
      const descriptor = Object.getOwnPropertyDescriptor(value, key);
      if (!descriptor) continue;
      for (const child of [descriptor.value, descriptor.get, descriptor.set]) {
        if (typeof child === "function" && !Object.isFrozen(child)) harden(child);
        if ((typeof child === "object" || typeof child === "function") && child !== null) queue.push(child);
      }
    }
  }
}

/** Lets instances shadow a frozen prototype's data property, as SES does for the intrinsics. */
function enableOverride(target: object, key: PropertyKey): void {
  const descriptor = Object.getOwnPropertyDescriptor(target, key);
  if (!descriptor || !("value" in descriptor)) return;
  const value: unknown = descriptor.value;
  Object.defineProperty(target, key, {
    get: function getOverridable() {
      return value;
    },
    set: function setOverridable(this: object, newValue: unknown) {
      if (this === target) throw new TypeError(`Cannot assign to read only property '${String(key)}'`);
      Object.defineProperty(this, key, { value: newValue, writable: true, enumerable: true, configurable: true });
    },
    enumerable: descriptor.enumerable ?? false,
    configurable: false,
  });
}

// zod 4 installs members on a class prototype the first time an instance of it is built. Once
// hardened, a prototype can no longer take them, so before hardening every factory is called
// once and common methods are called on one schema of each class it returns (errors ignored).
// A schema kind this misses fails in a rule with a TypeError ("object is not extensible"),
// never with a leak.
const ZOD_METHOD_CALLS: Array<[string, (z: ZodApi) => unknown[]]> = [
  ["optional", () => []], ["nullable", () => []], ["nullish", () => []], ["array", () => []],
  ["or", (z) => [z.number()]], ["and", (z) => [z.object({})]], ["transform", () => [(v: unknown) => v]],
  ["pipe", (z) => [z.any()]], ["default", () => ["a"]], ["prefault", () => ["a"]], ["catch", () => [null]],
  ["brand", () => []], ["readonly", () => []], ["refine", () => [() => true]], ["superRefine", () => [() => undefined]],
  ["check", () => []], ["describe", () => ["d"]], ["min", () => [1]], ["max", () => [2]], ["length", () => [1]],
  ["gt", () => [0]], ["lt", () => [9]], ["int", () => []], ["positive", () => []], ["nonnegative", () => []],
  ["multipleOf", () => [2]], ["email", () => []], ["url", () => []], ["uuid", () => []], ["regex", () => [/a/]],
  ["includes", () => ["a"]], ["startsWith", () => ["a"]], ["endsWith", () => ["a"]], ["trim", () => []],
  ["toLowerCase", () => []], ["toUpperCase", () => []], ["nonempty", () => []], ["partial", () => []],
  ["required", () => []], ["pick", () => [{ a: true }]], ["omit", () => [{ a: true }]], ["extend", (z) => [{ b: z.string() }]],
  ["merge", (z) => [z.object({ c: z.string() })]], ["strict", () => []], ["passthrough", () => []], ["strip", () => []],
  ["catchall", (z) => [z.string()]], ["keyof", () => []], ["unwrap", () => []], ["removeDefault", () => []],
  ["exclude", () => [["a"]]], ["extract", () => [["a"]]], ["element", () => []], ["rest", (z) => [z.string()]],
];
type ZodSchemaLike = Record<string, unknown> & { safeParse?: (value: unknown) => unknown };
type ZodApi = Record<string, unknown> & {
  string(): unknown;
  number(): unknown;
  any(): unknown;
  object(shape: object): unknown;
};

function exerciseZod(z: ZodApi): unknown[] {
  // Thousands of calls fail on purpose here; without stack capture that costs far less.
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return exerciseZodSchemas(z);
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
  }
}

function exerciseZodSchemas(z: ZodApi): unknown[] {
  const samples = (): unknown[][] => [
    [], [z.string()], [[z.string(), z.number()]], [{ a: z.string() }], ["a"], [["a", "b"]], [z.string(), z.number()], [(v: unknown) => v],
  ];
  const values: unknown[] = ["a", 1, true, null, undefined, { a: "a" }, ["a"], new Date(0)];
  const isSchema = (value: unknown): value is ZodSchemaLike => typeof value === "object" && value !== null && "_zod" in value;
  const attempt = (fn: () => unknown): unknown => {
    try {
      return fn();
    } catch {
      return undefined;
    }
  };
  let found: ZodSchemaLike[] = [];
  const all: unknown[] = [];
  const collect = (value: unknown) => {
    if (isSchema(value)) {
      found.push(value);
      all.push(value);
    }
  };
  for (const key of Object.keys(z)) {
    const factory = z[key];
    if (typeof factory !== "function" || !/^[a-z]/.test(key) || /Async$/.test(key)) continue;
    for (const args of samples()) {
      const made = attempt(() => Reflect.apply(factory, z, args));
      collect(made);
      if (made !== undefined) break;
    }
  }
  for (const format of Object.values((z.iso ?? {}) as Record<string, unknown>)) {
    if (typeof format === "function") collect(attempt(() => Reflect.apply(format, undefined, [])));
  }
  // Every class zod exports can also be built directly (`new z.ZodType(def)`, `z.core.$ZodRealError([])`),
  // and each keeps its own prototype for the `_zod` internals: found by the calling audit
  // (hostile/shared-state-audit.test.ts). One instance of each makes those prototypes samples too.
  const defs = (): unknown[][] => [[{ type: "string" }], [{ type: "any" }], [[]], [{}], ["a"]];
  for (const namespace of [z, z.core as Record<string, unknown> | undefined]) {
    for (const [key, value] of Object.entries(namespace ?? {})) {
      if (typeof value !== "function" || !/^[$_]?[A-Z]/.test(key)) continue;
      for (const args of defs()) {
        const made = attempt(() => Reflect.construct(value, args)) ?? attempt(() => Reflect.apply(value, undefined, args));
        collect(made);
        all.push(made);
      }
    }
  }
  const exercised = new Set<object | null>();
  for (let round = 0; round < 3 && found.length > 0; round += 1) {
    const batch = found.filter((schema) => {
      const proto = Object.getPrototypeOf(schema) as object | null;
      if (exercised.has(proto)) return false;
      exercised.add(proto);
      return true;
    });
    found = [];
    for (const schema of batch) {
      for (const [name, args] of ZOD_METHOD_CALLS) {
        const method = attempt(() => schema[name]);
        if (typeof method === "function") collect(attempt(() => Reflect.apply(method, schema, args(z))));
      }
      // Parse results carry ZodError instances: their prototypes are shared too.
      for (const value of values) {
        const result = attempt(() => schema.safeParse?.(value));
        // `error` may be computed on first read: read it so the ZodError itself is a sample.
        all.push(result, attempt(() => (result as { error?: unknown } | undefined)?.error));
      }
      attempt(() => (schema as Record<string, unknown>)["~standard"]);
    }
  }
  return all;
}

const COLLECTION_BRANDS: Array<[string, (value: object) => unknown]> = [
  ["Map", (v) => Map.prototype.has.call(v, v)],
  ["Set", (v) => Set.prototype.has.call(v, v)],
  ["WeakMap", (v) => WeakMap.prototype.has.call(v, v)],
  ["WeakSet", (v) => WeakSet.prototype.has.call(v, v)],
];

function collectionBrand(value: object): string | null {
  for (const [name, check] of COLLECTION_BRANDS) {
    try {
      check(value);
      return name;
    } catch {
      // Not this kind of collection.
    }
  }
  return null;
}

// Freezing a Map or Set does not freeze its contents (Set.prototype.add.call still works), so a
// collection reachable from a shared library would be state every run can write and read. Such
// properties (zod exposes util.primitiveTypes) are replaced by frozen arrays of their entries;
// the library keeps using its own reference. One that cannot be replaced stops the worker.
function sealCollections(root: object): void {
  // Most objects fail every brand check; without stack capture a failed check is cheap.
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    sealCollectionsFrom(root);
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
  }
}

function sealCollectionsFrom(root: object): void {
  const seen = new Set<object>();
  const queue: object[] = [root];
  while (queue.length > 0) {
    const value = queue.pop()!;
    if (seen.has(value)) continue;
    seen.add(value);
    for (const key of Reflect.ownKeys(value)) {
      const descriptor = Object.getOwnPropertyDescriptor(value, key)!;
      for (const child of [descriptor.value, descriptor.get, descriptor.set]) {
        if ((typeof child !== "object" && typeof child !== "function") || child === null) continue;
        const brand = typeof child === "object" ? collectionBrand(child) : null;
        if (brand === null) {
          queue.push(child);
          continue;
        }
        if (child !== descriptor.value || !descriptor.configurable) {
          throw new Error(`Preloaded library exposes a ${brand} at ${String(key)} that cannot be sealed`);
        }
        const entries = brand === "Map" || brand === "Set" ? [...(child as Iterable<unknown>)] : [];
        Object.defineProperty(value, key, { ...descriptor, value: Object.freeze(entries) });
      }
    }
    const proto = Object.getPrototypeOf(value) as object | null;
    if (proto) queue.push(proto);
  }
}

/** An ES module namespace, native or as bundled by esbuild (an object whose own properties are all getters). */
function isNamespaceLike(value: unknown): value is object {
  if (typeof value !== "object" || value === null) return false;
  if (Object.prototype.toString.call(value) === "[object Module]") return true;
  const descriptors = Object.values(Object.getOwnPropertyDescriptors(value));
  return descriptors.length > 0 && descriptors.every((d) => typeof d.get === "function" && d.set === undefined);
}

// harden() freezes accessor functions, not the values behind them, so namespaces (including
// nested ones such as z.core or z.locales) are copied into plain data objects first.
function materialize(value: unknown, seen = new Map<object, object>()): unknown {
  if (!isNamespaceLike(value)) return value;
  const known = seen.get(value);
  if (known) return known;
  const copy: Record<string, unknown> = {};
  seen.set(value, copy);
  for (const key of Object.keys(value)) copy[key] = materialize((value as Record<string, unknown>)[key], seen);
  return copy;
}

/**
 * Loads and hardens the preloaded libraries. Call after `lockdown()`, once per worker.
 * Verifies each library still works once hardened (a failure here stops the worker at start,
 * not a rule at run time).
 */
export function loadPreloads(host: HostCapabilities): Preloads {
  // Host objects the libraries hand to a rule: zod's base64 helpers call the host's atob, whose
  // DOMException (and its prototype) a rule then holds; URL and the text codecs are used the same
  // way. The compartments never see these globals, so freezing them costs the host nothing.
  for (const name of ["DOMException", "URL", "URLSearchParams", "TextEncoder", "TextDecoder", "atob", "btoa"]) {
    const value = (globalThis as Record<string, unknown>)[name];
    if (typeof value === "function") harden(value);
  }
  const decimal = setUpDecimal();
  const zodSetup = setUpZod();
  const lodashSetup = setUpLodash(host);
  const dayjsSetup = setUpDayjs(host);
  const decimalPrototype = Decimal.prototype as object;
  for (const root of [lodashSetup.namespace, dayjsSetup, zodSetup.namespace, decimalPrototype]) sealCollections(root);
  const lodashNamespace = harden(lodashSetup.namespace);
  const dayjsNamespace = harden(dayjsSetup);
  const zodNamespace = harden(zodSetup.namespace);
  hardenInstancePrototypes([...librarySamples(lodashSetup.namespace, dayjsSetup), ...zodSetup.samples]);
  // Thousands of sample schemas and parse results: not kept past start (beginRun holds zodSetup).
  zodSetup.samples.length = 0;
  const modulesForRun = (): Record<PreloadedModuleName, ModuleNamespace> => {
    let decimalNamespace: ModuleNamespace | undefined;
    return Object.freeze({
      lodash: lodashNamespace,
      dayjs: dayjsNamespace,
      zod: zodNamespace,
      get "decimal.js"() {
        return (decimalNamespace ??= decimal.namespaceForRun());
      },
    });
  };
  checkPreloads(modulesForRun());
  const names = (namespace: ModuleNamespace) => new Set(Object.keys(namespace));
  return {
    exportNames: Object.freeze({
      lodash: names(lodashNamespace),
      dayjs: names(dayjsNamespace),
      zod: names(zodNamespace),
      "decimal.js": new Set(["default", "Decimal"]),
    }),
    modulesForRun,
    beginRun() {
      lodashSetup.beginRun();
      zodSetup.beginRun();
      // decimal.js's module-level `external` flag: an operation that threw half-way (on a frozen
      // clone, say) leaves it off, which silently drops rounding for every later run. Reset before
      // every run: a function of decimal.js can reach a run that never imported it (a reference
      // kept anywhere, or handed over through another library), so "touched" is not a safe test.
      decimal.repair();
    },
    repairAfterInterrupt: decimal.repair,
  };
}

function checkPreloads(namespaces: Record<PreloadedModuleName, ModuleNamespace>): void {
  const _ = namespaces.lodash.default as typeof lodash;
  const day = namespaces.dayjs.default as typeof dayjs;
  const D = namespaces["decimal.js"].default as typeof Decimal;
  const z = namespaces.zod.z as typeof zod.z;
  const failures: string[] = [];
  const check = (name: string, ok: () => boolean) => {
    try {
      if (!ok()) failures.push(name);
    } catch (error) {
      failures.push(`${name}: ${String(error)}`);
    }
  };
  check("lodash", () => _.sumBy([{ a: 1 }, { a: 2 }], "a") === 3 && _.get({ a: { b: 1 } }, "a.b") === 1);
  check("dayjs", () => day("2024-01-31").add(1, "month").format("YYYY-MM-DD") === "2024-02-29");
  check("dayjs plugins", () => day.utc("2024-01-01T00:00:00Z").isoWeek() === 1 && day.duration(90, "minutes").asHours() === 1.5);
  check("decimal.js", () => new D("0.1").plus("0.2").toString() === "0.3" && new D(2).pow(0.5).toFixed(4) === "1.4142");
  check("decimal.js exp/ln", () => new D(1).exp().toFixed(3) === "2.718" && new D(10).ln().toFixed(3) === "2.303");
  check("decimal.js per-run config", () => (D.set({ precision: 5 }), new D(1).div(3).toString() === "0.33333"));
  check("zod", () => z.object({ a: z.number() }).parse({ a: 1 }).a === 1 && !z.string().safeParse(1).success);
  check("zod describe", () => z.string().describe("x").description === "x");
  if (failures.length > 0) throw new Error(`Preloaded libraries broken after hardening: ${failures.join("; ")}`);
}
