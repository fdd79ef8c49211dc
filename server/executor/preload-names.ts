// Names of the modules a rule may import. Kept apart from preload.ts so the compiler (which runs in
// the executor's main thread) does not pull the libraries themselves into its bundle.

/** Modules a rule can import; each is loaded once per worker, hardened and shared by every run. */
export const PRELOADED_MODULES = ["lodash", "dayjs", "decimal.js", "zod"] as const;
export type PreloadedModuleName = (typeof PRELOADED_MODULES)[number];

/** Whether `specifier` names a module a rule may import. */
export function isPreloadedModule(specifier: string): specifier is PreloadedModuleName {
  return (PRELOADED_MODULES as readonly string[]).includes(specifier);
}
