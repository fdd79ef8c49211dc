// Builds the rule worker bundle for tests, once per content: the output path carries a digest of
// the worker's sources, so parallel test files reuse one build and a stale bundle is never used.
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import * as esbuild from "esbuild";
import { PYTHON_WORKER_BUNDLE, pythonWorkerBuildOptions, ROOT_DIR, WORKER_BUNDLE, workerBuildOptions } from "../build-options.mjs";

function sourceDigest(): string {
  const hash = createHash("sha256");
  const dir = path.join(ROOT_DIR, "server", "executor");
  for (const file of readdirSync(dir).sort()) {
    if (/\.(ts|mjs)$/.test(file) && !file.endsWith(".test.ts")) hash.update(file).update(readFileSync(path.join(dir, file)));
  }
  hash.update(readFileSync(path.join(ROOT_DIR, "server", "contracts", "run.ts")));
  hash.update(readFileSync(path.join(ROOT_DIR, "package-lock.json")));
  return hash.digest("hex").slice(0, 16);
}

/** Absolute path of a worker bundle built from the current sources. */
export async function buildTestWorker(): Promise<string> {
  const outDir = path.join(os.tmpdir(), `rulebox-test-worker-${sourceDigest()}`);
  const file = path.join(outDir, WORKER_BUNDLE);
  if (existsSync(file)) return file;
  const staging = path.join(outDir, `staging-${process.pid}-${Date.now()}`);
  await esbuild.build(workerBuildOptions({ outDir: staging }));
  renameSync(path.join(staging, WORKER_BUNDLE), file);
  rmSync(staging, { recursive: true, force: true });
  return file;
}

function pythonSourceDigest(): string {
  const hash = createHash("sha256");
  for (const file of [
    path.join(ROOT_DIR, "server", "executor", "python", "python-worker.ts"),
    path.join(ROOT_DIR, "server", "executor", "python", "runner.py"),
    path.join(ROOT_DIR, "server", "executor", "protocol.ts"),
    path.join(ROOT_DIR, "server", "executor", "json-depth.ts"),
    path.join(ROOT_DIR, "server", "analysis", "python", "policy.json"),
    path.join(ROOT_DIR, "package-lock.json"),
  ]) {
    hash.update(file).update(readFileSync(file));
  }
  return hash.digest("hex").slice(0, 16);
}

/**
 * Absolute path of a Python worker bundle built from the current sources. It lives under
 * node_modules/.cache (not the OS temp dir) because it loads the external `pyodide` package, which
 * Node resolves from the bundle's own directory upwards.
 */
export async function buildTestPythonWorker(): Promise<string> {
  const outDir = path.join(ROOT_DIR, "node_modules", ".cache", `rulebox-test-python-worker-${pythonSourceDigest()}`);
  const file = path.join(outDir, PYTHON_WORKER_BUNDLE);
  if (existsSync(file)) return file;
  const staging = path.join(outDir, `staging-${process.pid}-${Date.now()}`);
  await esbuild.build(pythonWorkerBuildOptions({ outDir: staging, quiet: true }));
  renameSync(path.join(staging, PYTHON_WORKER_BUNDLE), file);
  rmSync(staging, { recursive: true, force: true });
  return file;
}
