// `npm run bench [-- --json] [-- --quick] [-- --compare-executors] [-- --no-http] [-- --no-python] [-- --compare-next]`: the same lodash-importing rule run three ways, at
// concurrency 1 and 16, each for a bounded time:
//   floor          a direct in-process call (no sandbox at all)
//   processPerRun  a fresh `node` process per run (the naive design)
//   executor       the real path: supervisor → IPC → executor child → piscina worker → fresh SES compartment
//   poolInProcess  (extra) the same pool in this process, to show what the process wall costs
//   python         the same rule in Python: a plain python3 loop (floor), a fresh python3 process per
//                  run (the naive design), and the executor's Python workers (Pyodide, guards,
//                  memory restore per run) (--no-python skips it)
//   http           (bench/http.mjs) a node:http floor, POST /execute and /execute/batch on the started app,
//                  its peak RSS, and the ratios to the executor's own runs/s (--no-http skips it)
// Prints a table, and with --json one JSON object as the last line.
// Env: BENCH_SECONDS (executor/floor seconds per concurrency, default 6), RULEBOX_EXECUTORS,
// RULEBOX_POOL_MAX_THREADS, RULEBOX_EXECUTOR_SERIALIZATION pass through to the supervisor.
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";
import _ from "lodash";
import { EXPECTED, INPUT, PYTHON_RULE_SOURCE, RULE_SOURCE } from "./rule.mjs";
import { parseArgs } from "node:util";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
// Strict: an unknown or misspelt flag is an error, not a silently different benchmark.
const { values: flags } = parseArgs({
  options: {
    json: { type: "boolean", default: false },
    quick: { type: "boolean", default: false },
    "compare-executors": { type: "boolean", default: false },
    "no-http": { type: "boolean", default: false },
    "compare-next": { type: "boolean", default: false },
    "no-pool": { type: "boolean", default: false },
    "no-python": { type: "boolean", default: false },
  },
  strict: true,
});
const json = flags.json;
const quick = flags.quick;
const seconds = Number(process.env.BENCH_SECONDS ?? (quick ? 2 : 6));
const say = (line) => (json ? process.stderr : process.stdout).write(`${line}\n`);

const LIMITS = { timeoutMs: 1000, memoryMb: 64, maxOutputBytes: 65_536, maxLogBytes: 16_384 };

function summarize(latencies, elapsedMs) {
  const sorted = Float64Array.from(latencies).sort();
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))];
  const round = (n, digits = 3) => Number(n.toFixed(digits));
  return { p50Ms: round(at(0.5)), p99Ms: round(at(0.99)), runsPerSec: round((latencies.length / elapsedMs) * 1000, 1), runs: latencies.length };
}

/** Runs `once` from `concurrency` loops until the time (or run) budget is spent. */
async function drive(once, { concurrency, ms, maxRuns = Infinity, warmupRuns = 0 }) {
  for (let i = 0; i < warmupRuns; i++) await once();
  const latencies = [];
  const started = performance.now();
  const end = started + ms;
  let issued = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end && issued < maxRuns) {
        issued += 1;
        const t = performance.now();
        await once();
        latencies.push(performance.now() - t);
      }
    }),
  );
  return summarize(latencies, performance.now() - started);
}

function check(result) {
  if (!_.isEqual(result, EXPECTED)) throw new Error(`bench rule returned ${JSON.stringify(result)}`);
}

// (a) floor: the rule as an ordinary module in this process.
async function benchFloor(concurrency) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rulebox-bench-"));
  const file = path.join(dir, "rule.mjs");
  fs.writeFileSync(file, RULE_SOURCE.replace('from "lodash"', `from ${JSON.stringify(pathToFileURL(path.join(root, "node_modules/lodash/lodash.js")).href)}`));
  const { default: rule } = await import(pathToFileURL(file).href);
  check(rule(structuredClone(INPUT), {}));
  // The input is cloned per call, as every other path deserializes a fresh copy.
  const result = await drive(async () => rule(structuredClone(INPUT), {}), { concurrency, ms: Math.min(2000, seconds * 1000) });
  fs.rmSync(dir, { recursive: true, force: true });
  return result;
}

/** Runs a command and resolves with the JSON it printed. */
function spawnJson(command, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.setEncoding("utf8").on("data", (chunk) => (out += chunk));
    child.on("error", reject);
    // "close", not "exit": only then is all of stdout read.
    child.on("close", (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`exit ${code}`))));
  });
}

/** One fresh process per run, checked once, then driven within bounds both ways. */
async function driveProcessPerRun(once, concurrency) {
  check(await once());
  // Enough runs for a median, never more than a few seconds of spawning.
  const runs = quick ? 12 : concurrency === 1 ? 30 : 96;
  return drive(once, { concurrency, ms: quick ? 2_000 : 6_000, maxRuns: runs });
}

// (b) the naive design: one fresh node process per run.
async function benchProcessPerRun(concurrency) {
  const dir = fs.mkdtempSync(path.join(root, "node_modules/.cache/rulebox-bench-ppr-"));
  const ruleFile = path.join(dir, "rule.mjs");
  fs.writeFileSync(ruleFile, RULE_SOURCE);
  const runner = path.join(dir, "run.mjs");
  fs.writeFileSync(runner, `import rule from "./rule.mjs";\nprocess.stdout.write(JSON.stringify(rule(JSON.parse(process.argv[2]), {})));\n`);
  const result = await driveProcessPerRun(() => spawnJson(process.execPath, [runner, JSON.stringify(INPUT)]), concurrency);
  fs.rmSync(dir, { recursive: true, force: true });
  return result;
}

/** The pool alone, in this process (no process wall, no IPC): isolates what the wall costs. */
async function benchPoolInProcess(concurrency) {
  const outfile = path.join(root, "node_modules/.cache/rulebox-bench/pool.mjs");
  await build({
    entryPoints: [path.join(root, "server/executor/pool.ts")],
    bundle: true,
    minify: true,
    platform: "node",
    format: "esm",
    target: "node20",
    outfile,
    external: ["piscina"],
    banner: { js: "import { createRequire as __r } from 'node:module'; const require = __r(import.meta.url);" },
    logLevel: "error",
    absWorkingDir: root,
  });
  const { createRulePool } = await import(`${pathToFileURL(outfile).href}?t=${Date.now()}`);
  const manifest = JSON.parse(fs.readFileSync(path.join(root, ".executor-dist/manifest.json"), "utf8"));
  const pool = createRulePool({ workerFile: path.join(root, ".executor-dist", manifest.worker) });
  const once = async () => {
    const result = await pool.run({ source: RULE_SOURCE, language: "javascript", input: INPUT, limits: LIMITS, clock: 1_700_000_000_000 });
    if (result.outcome !== "ok") throw new Error(`pool run ended ${result.outcome}`);
    return result;
  };
  check((await once()).output);
  const result = await drive(once, { concurrency, ms: seconds * 1000, warmupRuns: 500 });
  await pool.destroy();
  return result;
}

async function loadSupervisor() {
  // RULEBOX_EXECUTOR_DIST points at a prebuilt bundle elsewhere; otherwise (re)build ours when stale.
  if (!process.env.RULEBOX_EXECUTOR_DIST) {
    const built = spawnSync(process.execPath, [path.join(root, "scripts/build-executor.mjs"), "--quiet", "--if-stale"], { stdio: "inherit" });
    if (built.status !== 0) throw new Error("scripts/build-executor.mjs failed");
  }
  const outfile = path.join(root, "node_modules/.cache/rulebox-bench/supervisor.mjs");
  await build({
    entryPoints: [path.join(root, "server/executor/supervisor.ts")],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    outfile,
    packages: "external",
    logLevel: "error",
    absWorkingDir: root,
  });
  return import(`${pathToFileURL(outfile).href}?t=${Date.now()}`);
}

/** CPU time (ms) a process has used so far, from /proc (Linux); null elsewhere. */
/** CPU of a process and its descendants (the executor runs under unshare, its parent outside the PID namespace), ms. */
function processCpuMs(pid) {
  const children = new Map();
  const cpu = new Map();
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const fields = fs.readFileSync(`/proc/${entry}/stat`, "utf8").split(") ")[1].split(" ");
      const ppid = Number(fields[1]);
      if (!children.has(ppid)) children.set(ppid, []);
      children.get(ppid).push(Number(entry));
      cpu.set(Number(entry), ((Number(fields[11]) + Number(fields[12])) * 1000) / 100); // clock ticks, USER_HZ = 100
    } catch {
      // gone meanwhile
    }
  }
  if (!cpu.has(pid)) return null;
  let total = 0;
  const stack = [pid];
  while (stack.length) {
    const next = stack.pop();
    total += cpu.get(next) ?? 0;
    stack.push(...(children.get(next) ?? []));
  }
  return total;
}

// (c) the executor, exactly as the app drives it (minus the analyzer, whose verdict is cached per source).
// Also reports CPU µs per run (app process, executor processes): unlike wall-clock throughput it
// barely moves when other work shares the machine, so runs/s on 2 idle cores ≈ 2e6 / total.
async function benchExecutor(supervisor, concurrency) {
  const task = () => ({ source: RULE_SOURCE, language: "javascript", input: INPUT, limits: LIMITS, clock: 1_700_000_000_000 });
  const once = async () => {
    const result = await supervisor.run(task());
    if (result.outcome !== "ok") throw new Error(`executor run ended ${result.outcome}: ${JSON.stringify(result.error)}`);
    return result;
  };
  check((await once()).output);
  for (let i = 0; i < 500; i++) await once();
  const pids = (await supervisor.stats()).executors.map((e) => e.pid).filter(Boolean);
  const childBefore = pids.map(processCpuMs);
  const appBefore = process.cpuUsage();
  const result = await drive(once, { concurrency, ms: seconds * 1000 });
  const app = process.cpuUsage(appBefore);
  const childMs = pids.map(processCpuMs).reduce((sum, ms, i) => (ms === null || childBefore[i] === null ? NaN : sum + ms - childBefore[i]), 0);
  const perRun = (us) => Number((us / result.runs).toFixed(1));
  result.cpuUsPerRun = { app: perRun(app.user + app.system), executors: Number.isNaN(childMs) ? null : perRun(childMs * 1000) };
  return result;
}

// The Python section: the same rule, three ways, beside the JavaScript figures of the same run.
const PYTHON = process.env.PYTHON ?? "python3";

/** A plain python3 process calling the rule in a loop: what the rule costs with no sandbox at all. */
function benchPythonFloor() {
  const script = `import json, time, statistics
${PYTHON_RULE_SOURCE}
text = ${JSON.stringify(JSON.stringify(INPUT))}
assert rule(json.loads(text), None) == json.loads(${JSON.stringify(JSON.stringify(EXPECTED))})
laps = []
end = time.perf_counter() + ${Math.min(2, seconds)}
while time.perf_counter() < end:
    t = time.perf_counter()
    rule(json.loads(text), None)
    laps.append((time.perf_counter() - t) * 1000)
laps.sort()
print(json.dumps({"p50Ms": round(laps[len(laps) // 2], 4), "p99Ms": round(laps[int(len(laps) * 0.99)], 4), "runsPerSec": round(len(laps) / sum(laps) * 1000, 1), "runs": len(laps)}))
`;
  const out = spawnSync(PYTHON, ["-c", script], { encoding: "utf8" });
  if (out.status !== 0) throw new Error(`${PYTHON} floor failed: ${out.stderr}`);
  return JSON.parse(out.stdout);
}

/** One fresh python3 process per run: the design the talk started from. */
async function benchPythonProcessPerRun(concurrency) {
  // As the talk measured it: a fresh interpreter that imports json and decimal, runs once, exits.
  const script = `import json, sys, decimal\n${PYTHON_RULE_SOURCE}\nsys.stdout.write(json.dumps(rule(json.loads(sys.argv[1]), None)))\n`;
  return driveProcessPerRun(() => spawnJson(PYTHON, ["-c", script, JSON.stringify(INPUT)]), concurrency);
}

/** Waits (up to 30 s) until every worker thread of every executor has booted. */
async function allWorkersReady(supervisor) {
  const deadline = performance.now() + 30_000;
  for (;;) {
    const { pool } = await supervisor.stats();
    if (pool.readyThreads >= pool.threads || performance.now() > deadline) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** The executor's Python workers, exactly as the app drives them. */
async function benchPythonExecutor(supervisor, concurrency) {
  const once = async () => {
    const result = await supervisor.run({ source: PYTHON_RULE_SOURCE, language: "python", input: INPUT, limits: LIMITS, clock: 1_700_000_000_000 });
    if (result.outcome !== "ok") throw new Error(`Python executor run ended ${result.outcome}: ${JSON.stringify(result.error)}`);
    return result;
  };
  // The first run waits for an interpreter to finish loading (they warm after readiness).
  const t = performance.now();
  check((await once()).output);
  const firstRunMs = Number((performance.now() - t).toFixed(0));
  for (let i = 0; i < 200; i++) await once();
  // Python classes start one interpreter per executor and grow as runs queue; a grown one loads
  // for seconds of CPU. Queue at this concurrency, then wait until every worker is ready, so the
  // figure is the grown pool's and not its boot.
  await drive(once, { concurrency, ms: 1_000 });
  await allWorkersReady(supervisor);
  await drive(once, { concurrency, ms: 1_000 });
  return { ...(await drive(once, { concurrency, ms: seconds * 1000 })), firstRunMs };
}

const started = performance.now();
const results = { floor: {}, processPerRun: {}, executor: {} };
for (const c of [1, 16]) results.floor[`c${c}`] = await benchFloor(c);
say(`floor          c1 ${JSON.stringify(results.floor.c1)}\n               c16 ${JSON.stringify(results.floor.c16)}`);
for (const c of [1, 16]) results.processPerRun[`c${c}`] = await benchProcessPerRun(c);
say(`processPerRun  c1 ${JSON.stringify(results.processPerRun.c1)}\n               c16 ${JSON.stringify(results.processPerRun.c16)}`);

const { ExecutorSupervisor } = await loadSupervisor();
const log = (level, message) => (level === "info" ? undefined : process.stderr.write(`${message}\n`));
async function benchExecutorConfig(executors) {
  // Python rules are off by default (server/contracts/languages.ts); the bench measures them on.
  const supervisor = new ExecutorSupervisor({ log, env: { ...process.env, RULEBOX_PYTHON_RULES: "on" }, ...(executors ? { executors } : {}) });
  await supervisor.ready(60_000, { all: true });
  // Python interpreters load in the background after readiness (seconds of CPU): let them finish
  // first, or the JavaScript figures would share the cores with them.
  if (!flags["no-python"]) {
    await supervisor.run({ source: PYTHON_RULE_SOURCE, language: "python", input: INPUT, limits: LIMITS, clock: 1_700_000_000_000 });
    await allWorkersReady(supervisor);
  }
  const out = {};
  for (const c of [1, 16]) out[`c${c}`] = await benchExecutor(supervisor, c);
  if (!executors && !flags["no-python"]) {
    out.python = {};
    for (const c of [1, 16]) out.python[`c${c}`] = await benchPythonExecutor(supervisor, c);
  }
  const stats = await supervisor.stats();
  await supervisor.shutdown(2_000);
  return { out, stats };
}
const { out: executorResults, stats } = await benchExecutorConfig(undefined);
const { python: pythonExecutor, ...jsExecutor } = executorResults;
results.executor = jsExecutor;
say(`executor       c1 ${JSON.stringify(results.executor.c1)}\n               c16 ${JSON.stringify(results.executor.c16)}  (${stats.executors.length} executor processes)`);
// --compare-executors: the same with 1 and with 2 executor processes (RULEBOX_EXECUTORS).
if (flags["compare-executors"]) {
  results.executorByProcessCount = {};
  for (const n of [1, 2]) {
    results.executorByProcessCount[n] = (await benchExecutorConfig(n)).out;
    say(`executors=${n}    c1 ${JSON.stringify(results.executorByProcessCount[n].c1)}\n               c16 ${JSON.stringify(results.executorByProcessCount[n].c16)}`);
  }
}

if (pythonExecutor) {
  const pyFloor = benchPythonFloor();
  const pyProcess = {};
  for (const c of [1, 16]) pyProcess[`c${c}`] = await benchPythonProcessPerRun(c);
  results.python = {
    floor: pyFloor,
    processPerRun: pyProcess,
    executor: pythonExecutor,
    speedupVsProcessPerRun: {
      c1: Number((pythonExecutor.c1.runsPerSec / pyProcess.c1.runsPerSec).toFixed(1)),
      c16: Number((pythonExecutor.c16.runsPerSec / pyProcess.c16.runsPerSec).toFixed(1)),
    },
    vsJavaScriptExecutorC16: Number((pythonExecutor.c16.runsPerSec / results.executor.c16.runsPerSec).toFixed(2)),
  };
  say(`python floor   ${JSON.stringify(pyFloor)}  (plain ${PYTHON} loop, no sandbox)`);
  say(`python ppr     c1 ${JSON.stringify(pyProcess.c1)}\n               c16 ${JSON.stringify(pyProcess.c16)}  (fresh ${PYTHON} per run)`);
  say(`python exec    c1 ${JSON.stringify(pythonExecutor.c1)}\n               c16 ${JSON.stringify(pythonExecutor.c16)}`);
  say(`python speedup vs process-per-run: c1 ${results.python.speedupVsProcessPerRun.c1}×, c16 ${results.python.speedupVsProcessPerRun.c16}×; runs/s vs JavaScript at c16: ${results.python.vsJavaScriptExecutorC16}`);
}

// The HTTP section (bench/http.mjs): the same rule and input through the started app.
if (!flags["no-http"]) {
  const { runHttpBench } = await import("./http.mjs");
  results.http = await runHttpBench({ seconds, say, quietBuild: json, compareNext: flags["compare-next"] });
}

if (!flags["no-pool"]) {
  results.poolInProcess = {};
  for (const c of [1, 16]) results.poolInProcess[`c${c}`] = await benchPoolInProcess(c);
  say(`poolInProcess  c1 ${JSON.stringify(results.poolInProcess.c1)}\n               c16 ${JSON.stringify(results.poolInProcess.c16)}  (same pool, no process wall)`);
}

const ratio = (a, b) => Number((a / b).toFixed(1));
results.speedupVsProcessPerRun = {
  c1: ratio(results.executor.c1.runsPerSec, results.processPerRun.c1.runsPerSec),
  c16: ratio(results.executor.c16.runsPerSec, results.processPerRun.c16.runsPerSec),
};
results.overheadVsFloor = { c1P50Ms: Number((results.executor.c1.p50Ms - results.floor.c1.p50Ms).toFixed(3)) };
if (results.poolInProcess) {
  results.processWallCost = {
    c1P50Ms: Number((results.executor.c1.p50Ms - results.poolInProcess.c1.p50Ms).toFixed(3)),
    c16ThroughputRatio: Number((results.executor.c16.runsPerSec / results.poolInProcess.c16.runsPerSec).toFixed(2)),
  };
}
if (results.http) {
  results.http.ratios = {
    executeC16VsExecutorC16: Number((results.http.execute.c16.reqPerSec / results.executor.c16.runsPerSec).toFixed(2)),
    batchVsExecutorC16: Number((Math.max(...Object.values(results.http.batch).map((b) => b.runsPerSec)) / results.executor.c16.runsPerSec).toFixed(2)),
    executeC16VsHttpFloorC16: Number((results.http.execute.c16.reqPerSec / results.http.floor.c16.reqPerSec).toFixed(3)),
  };
  say(`http ratios: ${JSON.stringify(results.http.ratios)}`);
}
results.targets = {
  executorC1P50LeHalfMs: results.executor.c1.p50Ms <= 0.5,
  executorC16AtLeast5000PerSec: results.executor.c16.runsPerSec >= 5000,
  speedupAtLeast200x: results.speedupVsProcessPerRun.c16 >= 200,
};
results.environment = {
  node: process.version,
  cpus: os.availableParallelism?.() ?? os.cpus().length,
  executors: stats.executors.length,
  poolThreads: stats.pool.threads,
  serialization: process.env.RULEBOX_EXECUTOR_SERIALIZATION ?? "default",
  wall: {
    permissionModel: stats.wall?.permissionModel.applied ?? false,
    prlimit: stats.wall?.prlimit.applied ?? false,
    networkNamespace: stats.wall?.networkNamespace.applied ?? false,
  },
  seconds: Number(((performance.now() - started) / 1000).toFixed(1)),
};
say(`speedup vs process-per-run: c1 ${results.speedupVsProcessPerRun.c1}×, c16 ${results.speedupVsProcessPerRun.c16}×`);
say(`targets: ${JSON.stringify(results.targets)}`);
say(`environment: ${JSON.stringify(results.environment)}`);
if (json) process.stdout.write(`${JSON.stringify(results)}\n`);
