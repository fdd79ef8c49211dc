// esbuild options for the executor bundles, shared by scripts/build-executor.mjs (production
// build into .executor-dist/) and the executor tests (which build the worker into a temp dir).
// Plain JS so both can import it without a TypeScript loader.
import path from "node:path";
import { fileURLToPath } from "node:url";

/** Repository root (this file lives in server/executor/). */
export const ROOT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
/** Output directory of the production build, relative to the repository root. */
export const EXECUTOR_DIST_DIR = ".executor-dist";
/** File name of the rule worker bundle; piscina loads it by absolute path (CommonJS, require()). */
export const WORKER_BUNDLE = "worker.cjs";

/** What both worker bundles share: one self-contained CommonJS file for Node 20, no source map. */
const CJS_BUNDLE = { bundle: true, platform: "node", format: "cjs", target: "node20", sourcemap: false, legalComments: "none" };

/**
 * esbuild options for the rule worker: server/executor/worker.ts with everything it needs
 * (ses, lodash, dayjs + plugins, decimal.js, zod) bundled in, so a worker loads one file and
 * the permission model only has to allow reading the dist directory.
 * @param {{ outDir?: string, rootDir?: string }} [options]
 * @returns {import("esbuild").BuildOptions}
 */
export function workerBuildOptions({ outDir = path.join(ROOT_DIR, EXECUTOR_DIST_DIR), rootDir = ROOT_DIR } = {}) {
  return {
    entryPoints: [path.join(rootDir, "server", "executor", "worker.ts")],
    outfile: path.join(outDir, WORKER_BUNDLE),
    // Tracebacks never show worker frames, so no source map is needed. keepNames stays off: it
    // wraps every function SES creates per compartment in a defineProperty call.
    ...CJS_BUNDLE,
    logLevel: "warning",
  };
}

/** File name of the analysis worker bundle (the app's policy check with a deadline, analysis-pool.ts). */
export const ANALYSIS_WORKER_BUNDLE = "analysis-worker.cjs";

/**
 * esbuild options for the analysis worker: server/executor/analysis-worker.ts with @babel/parser,
 * the policy and TypeScript's parser bundled in (CommonJS, loaded by piscina in the app process).
 * @param {{ outDir?: string, rootDir?: string, quiet?: boolean }} [options]
 * @returns {import("esbuild").BuildOptions}
 */
export function analysisWorkerBuildOptions({ outDir = path.join(ROOT_DIR, EXECUTOR_DIST_DIR), rootDir = ROOT_DIR, quiet = false } = {}) {
  return {
    entryPoints: [path.join(rootDir, "server", "executor", "analysis-worker.ts")],
    outfile: path.join(outDir, ANALYSIS_WORKER_BUNDLE),
    ...CJS_BUNDLE,
    minify: true,
    logLevel: quiet ? "error" : "warning",
  };
}

/** File name of the Python rule worker bundle (server/executor/python/python-worker.ts). */
export const PYTHON_WORKER_BUNDLE = "python-worker.cjs";

/**
 * esbuild options for the Python rule worker: python-worker.ts with runner.py (as text) and the
 * Python policy bundled in. Pyodide stays external: its interpreter (WebAssembly) and stdlib are
 * read from node_modules/pyodide when a worker starts, which the process wall allows.
 * @param {{ outDir?: string, rootDir?: string, quiet?: boolean }} [options]
 * @returns {import("esbuild").BuildOptions}
 */
export function pythonWorkerBuildOptions({ outDir = path.join(ROOT_DIR, EXECUTOR_DIST_DIR), rootDir = ROOT_DIR, quiet = false } = {}) {
  return {
    entryPoints: [path.join(rootDir, "server", "executor", "python", "python-worker.ts")],
    outfile: path.join(outDir, PYTHON_WORKER_BUNDLE),
    ...CJS_BUNDLE,
    loader: { ".py": "text" },
    external: ["pyodide"],
    logLevel: quiet ? "error" : "warning",
  };
}
