// State that must exist once per process, whoever imports it: Next.js bundles each route (and the
// instrumentation hook, and the execute listener) with its own copy of every module, and dev-mode
// reloads re-evaluate modules, so a module-level `let` would be one per bundle. Each such value
// lives on globalThis under `Symbol.for("rulebox.<name>")` — symbols no code outside Rulebox
// names by accident, and plain JavaScript (scripts/serve.mjs) reaches by the same name.
// No "server-only": the executor bundles (supervisor, analysis pool) use it outside Next too.

type Holder = Record<symbol, unknown>;
const holder = globalThis as unknown as Holder;

/** The process's one value under `name`, created by `create` on first use. A `create` that throws stores nothing. */
export function processGlobal<T>(name: string, create: () => T): T {
  const key = Symbol.for(`rulebox.${name}`);
  if (!(key in holder)) {
    const value = create();
    holder[key] = value;
    return value;
  }
  return holder[key] as T;
}

/** The value under `name` if one was created, without creating it. */
export function peekProcessGlobal<T>(name: string): T | undefined {
  return holder[Symbol.for(`rulebox.${name}`)] as T | undefined;
}

/** Sets (or, with undefined, forgets) the value under `name`. */
export function setProcessGlobal<T>(name: string, value: T | undefined): void {
  const key = Symbol.for(`rulebox.${name}`);
  if (value === undefined) delete holder[key];
  else holder[key] = value;
}
