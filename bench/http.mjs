// The HTTP section of `npm run bench` (issue 11), also runnable alone: `node bench/http.mjs [--json]`.
// Drives, with autocannon (a well-kept load generator; its latencies are collected per response
// at full resolution, since its own histogram rounds to whole milliseconds):
//   floor     a plain node:http server answering JSON, in its own process: what HTTP costs here
//   execute   POST /api/rules/:id/execute on the started app (same rule and input as the executor bench)
//   batch     POST /api/rules/:id/execute/batch with 100 inputs per request → runs/s
// at 1 and 16 connections, and the peak RSS of the app's whole process tree while it is driven.
// The load generator shares the two cores with what it measures, like every figure here.
import autocannon from "autocannon";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { freePort, startOwnServer, treeRss } from "./server.mjs";
import { INPUT, RULE_SOURCE } from "./rule.mjs";

const BATCH_SIZE = 100;

const round = (n, digits = 3) => Number(n.toFixed(digits));

/** One autocannon run; latencies from every response (ms, sub-millisecond). */
function drive({ url, connections, seconds, method = "POST", headers = {}, body }) {
  return new Promise((resolve, reject) => {
    const latencies = [];
    const statuses = {};
    const instance = autocannon({ url, connections, duration: seconds, method, headers, body, pipelining: 1 }, (err, result) => {
      if (err) return reject(err);
      const sorted = Float64Array.from(latencies).sort();
      const at = (q) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))] : NaN);
      resolve({
        p50Ms: round(at(0.5)),
        p99Ms: round(at(0.99)),
        reqPerSec: round(result.requests.total / seconds, 1),
        requests: result.requests.total,
        non2xx: result.non2xx,
        errors: result.errors + result.timeouts,
        statuses,
      });
    });
    instance.on("response", (_client, statusCode, _bytes, responseTime) => {
      latencies.push(responseTime);
      statuses[statusCode] = (statuses[statusCode] ?? 0) + 1;
    });
  });
}

/** A plain node:http JSON server in a child process: the floor any HTTP path stands on. */
async function startFloorServer() {
  const port = await freePort();
  const code = `require("http").createServer((req, res) => { const chunks = []; req.on("data", (c) => chunks.push(c)); req.on("end", () => { JSON.parse(Buffer.concat(chunks).toString() || "null"); const body = JSON.stringify({ outcome: "ok", output: { total: 129.5 } }); res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) }); res.end(body); }); }).listen(${port}, "127.0.0.1", () => process.stdout.write("up"));`;
  const child = spawn(process.execPath, ["-e", code], { stdio: ["ignore", "pipe", "inherit"] });
  await new Promise((resolve) => child.stdout.once("data", resolve));
  return { url: `http://127.0.0.1:${port}/`, stop: () => child.kill() };
}

async function must(baseUrl, method, route, body, cookie) {
  const res = await fetch(`${baseUrl}${route}`, { method, headers: { "content-type": "application/json", cookie }, body: body === undefined ? undefined : JSON.stringify(body) });
  const json = await res.json();
  if (res.status >= 300) throw new Error(`${method} ${route} answered ${res.status}: ${JSON.stringify(json)}`);
  return json;
}

/**
 * @param {{ seconds: number, say: (line: string) => void, quietBuild?: boolean }} options
 */
export async function runHttpBench({ seconds, say, quietBuild = false, compareNext = false }) {
  const results = { floor: {}, execute: {}, batch: {} };
  if (compareNext) {
    // The same endpoint through Next.js's route handler (RULEBOX_EXECUTE_LISTENER=0), measured first.
    results.executeViaNext = await benchApp({ seconds, say, quietBuild, env: { RULEBOX_EXECUTE_LISTENER: "0" }, label: "via Next", batch: false });
  }
  const payload = JSON.stringify({ input: INPUT });

  const floor = await startFloorServer();
  try {
    for (const c of [1, 16]) results.floor[`c${c}`] = await drive({ url: floor.url, connections: c, seconds, headers: { "content-type": "application/json" }, body: payload });
  } finally {
    floor.stop();
  }
  say(`http floor     c1 ${JSON.stringify(strip(results.floor.c1))}\n               c16 ${JSON.stringify(strip(results.floor.c16))}`);

  const app = await benchApp({ seconds, say, quietBuild, env: {}, label: "", batch: true });
  results.execute = app.execute;
  results.batch = app.batch;
  results.peakRssMb = app.peakRssMb;
  results.idleRssMb = app.idleRssMb;
  results.peakRssByProcess = app.peakRssByProcess;
  const bad = [...Object.values(results.execute), ...Object.values(results.batch)].filter((r) => r.non2xx > 0 || r.errors > 0);
  if (bad.length) say(`WARNING: non-2xx answers or errors during the HTTP bench: ${JSON.stringify(bad.map((r) => r.statuses))}`);
  say(`app process tree RSS: ${results.idleRssMb} MB idle, ${results.peakRssMb} MB peak under the HTTP bench: ${results.peakRssByProcess.map((p) => `${p.role} ${p.mb}`).join(", ")}`);
  return results;
}


/** Starts the app, creates and publishes the bench rule and a key, and drives /execute (and /execute/batch). */
async function benchApp({ seconds, say, quietBuild, env, label, batch }) {
  const results = { execute: {}, batch: {} };
  const payload = JSON.stringify({ input: INPUT });
  const server = await startOwnServer({ name: "bench-http", log: say, quietBuild, env });
  let peak = treeRss(server.pid);
  const idle = peak;
  const sampler = setInterval(() => {
    const now = treeRss(server.pid);
    if (now.totalMb > peak.totalMb) peak = now;
  }, 250);
  try {
    const { rule } = await must(server.baseUrl, "POST", "/api/rules", { name: `bench ${Date.now()}`, source: RULE_SOURCE, language: "javascript" }, server.cookie);
    await must(server.baseUrl, "POST", `/api/rules/${rule.id}/publish`, { version: 1 }, server.cookie);
    const { secret } = await must(server.baseUrl, "POST", "/api/keys", { name: "bench" }, server.cookie);
    const headers = { "content-type": "application/json", authorization: `Bearer ${secret}` };
    const executeUrl = `${server.baseUrl}/api/rules/${rule.id}/execute`;
    const check = await fetch(executeUrl, { method: "POST", headers, body: payload }).then((r) => r.json());
    if (check.outcome !== "ok" || check.output?.total !== 129.5) throw new Error(`the bench rule answered ${JSON.stringify(check)}`);
    // Warm the path (JIT, caches) before measuring.
    await drive({ url: executeUrl, connections: 4, seconds: 1, headers, body: payload });
    for (const c of [1, 16]) results.execute[`c${c}`] = await drive({ url: executeUrl, connections: c, seconds, headers, body: payload });
    say(`POST /execute${label ? ` (${label})` : ""}  c1 ${JSON.stringify(strip(results.execute.c1))}\n               c16 ${JSON.stringify(strip(results.execute.c16))}`);
    if (!batch) return results;
    const batchBody = JSON.stringify({ inputs: Array.from({ length: BATCH_SIZE }, () => INPUT) });
    for (const c of [1, 4]) {
      const r = await drive({ url: `${executeUrl}/batch`, connections: c, seconds, headers, body: batchBody });
      results.batch[`c${c}`] = { ...r, batchSize: BATCH_SIZE, runsPerSec: round((r.requests * BATCH_SIZE) / seconds, 1) };
    }
    say(`/execute/batch c1 ${JSON.stringify(strip(results.batch.c1))}\n               c4 ${JSON.stringify(strip(results.batch.c4))}  (${BATCH_SIZE} inputs per request)`);
  } finally {
    clearInterval(sampler);
    await server.stop();
  }
  results.peakRssMb = round(peak.totalMb, 1);
  results.idleRssMb = round(idle.totalMb, 1);
  results.peakRssByProcess = peak.processes.map(({ role, mb }) => ({ role, mb }));
  return results;
}

function strip(r) {
  const { statuses: _s, requests: _r, ...rest } = r;
  return rest;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values: flags } = parseArgs({ options: { json: { type: "boolean", default: false }, "compare-next": { type: "boolean", default: false } }, strict: true });
  const json = flags.json;
  const say = (line) => (json ? process.stderr : process.stdout).write(`${line}\n`);
  const results = await runHttpBench({ seconds: Number(process.env.BENCH_SECONDS ?? 6), say, quietBuild: json, compareNext: flags["compare-next"] });
  if (json) process.stdout.write(`${JSON.stringify(results)}\n`);
}
