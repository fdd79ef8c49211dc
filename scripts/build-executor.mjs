// Bundles the executor child (server/executor/executor-main.ts) and the pool's worker into
// .executor-dist/, plain JS loaded by absolute path, never by Next. Writes manifest.json, which the
// supervisor reads to find the entry and to grant the child read access to exactly the bundle
// directory plus the packages left external. Fast (esbuild, well under a second); tests run it too.
// Usage: node scripts/build-executor.mjs [--quiet] [--if-stale]
import { build } from "esbuild";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const outDir = path.join(root, ".executor-dist");
const quiet = process.argv.includes("--quiet");
const ifStale = process.argv.includes("--if-stale");

// ESM bundles of CommonJS packages (lodash, decimal.js…) need a `require` in scope.
// TypeScript (pulled in by ts-blank-space) also reads __filename and __dirname at load.
const requireShim = [
  "import { createRequire as __rbCreateRequire } from 'node:module';",
  "import { fileURLToPath as __rbFileURLToPath } from 'node:url';",
  "import { dirname as __rbDirname } from 'node:path';",
  "const require = __rbCreateRequire(import.meta.url);",
  "const __filename = __rbFileURLToPath(import.meta.url);",
  "const __dirname = __rbDirname(__filename);",
].join(" ");

/**
 * The worker's bundle settings belong to the pool's owner (server/executor/build-options.mjs:
 * `workerBuildOptions({ outDir, rootDir })`); without that file, a plain ESM bundle of worker.ts.
 */
async function loadWorkerOptions(dir) {
  const file = path.join(root, "server/executor/build-options.mjs");
  if (fs.existsSync(file)) {
    const mod = await import(file);
    if (typeof mod.workerBuildOptions === "function") return mod.workerBuildOptions({ outDir: dir, rootDir: root });
  }
  return {
    entryPoints: { worker: "server/executor/worker.ts" },
    bundle: true,
    platform: "node",
    target: "node20",
    outdir: dir,
    outExtension: { ".js": ".mjs" },
    format: "esm",
    banner: { js: requireShim },
  };
}

function newestMtime(dir) {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !/\.(ts|mjs|json|py)$/.test(entry.name) || /\.(test|itest)\.ts$/.test(entry.name)) continue;
    newest = Math.max(newest, fs.statSync(path.join(entry.parentPath ?? entry.path, entry.name)).mtimeMs);
  }
  return newest;
}

if (ifStale) {
  const manifest = path.join(outDir, "manifest.json");
  if (fs.existsSync(manifest)) {
    const built = fs.statSync(manifest).mtimeMs;
    const sources = ["server/executor", "server/contracts", "server/analysis"].map((d) => (fs.existsSync(path.join(root, d)) ? newestMtime(path.join(root, d)) : 0));
    if (Math.max(...sources) < built) process.exit(0);
  }
}

const started = performance.now();
// Build into a fresh directory and swap it in, so a running executor never sees a half-written bundle.
const tmpDir = `${outDir}.tmp-${process.pid}`;
fs.rmSync(tmpDir, { recursive: true, force: true });
fs.mkdirSync(tmpDir, { recursive: true });

const workerOptions = await loadWorkerOptions(tmpDir);
// piscina resolves its own worker script next to its files, so it cannot be bundled; pyodide
// loads its interpreter and stdlib from its own directory.
const external = [...new Set(["piscina", "pyodide", ...(workerOptions.external ?? [])])];

await build({
  bundle: true,
  platform: "node",
  target: "node20",
  format: "esm",
  sourcemap: false,
  legalComments: "none",
  logLevel: quiet ? "error" : "warning",
  absWorkingDir: root,
  // Minified: the bundle carries the TypeScript parser (ts-blank-space), and parse time is most of
  // a restart's cost (measured: 11 MB → 4 MB halves the load time), which the 1 s recovery target needs.
  minify: true,
  // executor-host: the same supervisor served over HTTP to apps on other machines (docs/remote-executors.md).
  entryPoints: { "executor-main": "server/executor/executor-main.ts", "executor-host": "server/executor/executor-host.ts" },
  outdir: tmpDir,
  outExtension: { ".js": ".mjs" },
  external,
  banner: { js: requireShim },
});

const workerBuild = await build({
  absWorkingDir: root,
  ...workerOptions,
  ...(quiet ? { logLevel: "error" } : {}),
  external,
  metafile: true,
});
const workerOutputs = Object.keys(workerBuild.metafile.outputs).filter((file) => !file.endsWith(".map"));
if (workerOutputs.length !== 1) throw new Error(`expected one worker bundle, got: ${workerOutputs.join(", ")}`);

// The analysis worker: the app (not the executor) runs the policy check in it, with a deadline.
const { analysisWorkerBuildOptions, ANALYSIS_WORKER_BUNDLE } = await import(path.join(root, "server/executor/build-options.mjs"));
await build({ absWorkingDir: root, ...analysisWorkerBuildOptions({ outDir: tmpDir, rootDir: root, quiet }) });

// The Python rule worker (Pyodide): its own pool classes in the executor (pool.ts).
const { pythonWorkerBuildOptions, PYTHON_WORKER_BUNDLE } = await import(path.join(root, "server/executor/build-options.mjs"));
await build({ absWorkingDir: root, ...pythonWorkerBuildOptions({ outDir: tmpDir, rootDir: root, quiet }) });

const manifest = {
  entry: "executor-main.mjs",
  worker: path.basename(workerOutputs[0]),
  pythonWorker: PYTHON_WORKER_BUNDLE,
  analysisWorker: ANALYSIS_WORKER_BUNDLE,
  external,
  builtAt: new Date().toISOString(),
};
fs.writeFileSync(path.join(tmpDir, "manifest.json"), JSON.stringify(manifest, null, 2) + "\n");
fs.rmSync(outDir, { recursive: true, force: true });
fs.renameSync(tmpDir, outDir);
if (!quiet) console.log(`executor bundle → ${path.relative(root, outDir)}/ in ${Math.round(performance.now() - started)} ms (worker ${manifest.worker}; external: ${external.join(", ")})`);
