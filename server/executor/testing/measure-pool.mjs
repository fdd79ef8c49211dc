// Quick local measurement of the pool alone (no executor process, no IPC, no analyzer):
//   node server/executor/testing/measure-pool.mjs [threads]
// Prints runs/s and latency at concurrency 1 and 16, and the in-worker time per run. The full
// stack is measured by `npm run bench`; this isolates the pool and the worker.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createRequire } from "node:module";
import * as esbuild from "esbuild";
import { ROOT_DIR, WORKER_BUNDLE, workerBuildOptions } from "../build-options.mjs";

const threads = Number(process.argv[2] ?? os.availableParallelism());
const outDir = mkdtempSync(path.join(os.tmpdir(), "rulebox-measure-"));
await esbuild.build(workerBuildOptions({ outDir }));
// Bundled into the repository tree so that `piscina` (external) resolves from node_modules.
const poolFile = path.join(ROOT_DIR, "node_modules", ".cache", `rulebox-measure-pool-${process.pid}.cjs`);
await esbuild.build({ entryPoints: [path.join(ROOT_DIR, "server/executor/pool.ts")], outfile: poolFile, bundle: true, platform: "node", format: "cjs", target: "node20", external: ["piscina"], logLevel: "warning" });
const { createRulePool } = createRequire(import.meta.url)(poolFile);

const pool = createRulePool({ workerFile: path.join(outDir, WORKER_BUNDLE), maxThreads: threads });
const source = `import _ from "lodash";\nexport default function rule(input, ctx) {\n  return { discount: _.sumBy(input.items, (i) => i.price) > 100 ? 0.1 : 0 };\n}\n`;
const limits = { timeoutMs: 1000, memoryMb: 64, maxOutputBytes: 65536, maxLogBytes: 16384 };
const task = () => ({ source, language: "javascript", input: { items: [{ price: 60 }, { price: 50 }] }, limits, clock: 1 });

async function measure(concurrency, runs) {
  const latencies = [];
  let started = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (started < runs) {
        started += 1;
        const t = performance.now();
        const result = await pool.run(task());
        if (result.outcome !== "ok") throw new Error(JSON.stringify(result));
        latencies.push(performance.now() - t);
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  latencies.sort((a, b) => a - b);
  const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * q))].toFixed(3);
  // process.cpuUsage covers every thread of the process: main thread and workers.
  const cpuUsPerRun = (cpu.user + cpu.system) / runs;
  console.log(`c${concurrency}: ${(runs / seconds).toFixed(0)} runs/s, p50 ${at(0.5)} ms, p99 ${at(0.99)} ms, CPU ${cpuUsPerRun.toFixed(0)} µs/run (all threads)`);
}

try {
  await pool.run(task());
  await measure(1, 2000); // warm-up
  await measure(1, 5000);
  await measure(16, 20000);
  const inWorker = [];
  for (let i = 0; i < 5000; i += 1) inWorker.push((await pool.run(task())).durationMs);
  inWorker.sort((a, b) => a - b);
  console.log(`in-worker durationMs (evaluate + rule + serialize; compartment built ahead): p50 ${inWorker[2500].toFixed(3)} ms, p99 ${inWorker[4950].toFixed(3)} ms`);
} finally {
  await pool.destroy();
  rmSync(outDir, { recursive: true, force: true });
  rmSync(poolFile, { force: true });
}
