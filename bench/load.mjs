// `npm run load [-- --json] [-- --clients 16] [-- --seconds 20] [-- --hostile-ratio 0.05] [-- --batch-seconds 5] [-- --batch-size 100] [-- --url http://…]`
// Drives a started Rulebox over loopback through the production path (POST /api/rules/:id/execute
// with an API key) with N closed-loop clients for a bounded time, in two phases:
//   baseline  benign rules only                       → baselineP50Ms / baselineP99Ms
//   mixed     the same clients, plus a stream of hostile requests making up --hostile-ratio of
//             all requests                                → benignP50Ms / benignP99Ms under attack
// Hostile rules: a sync endless loop, an async microtask loop, a never-settling promise, a heap
// bomb (may abort a whole executor process, nodejs/node#47224), an output flood and a log flood.
// Then a batch phase: a few clients send the benign rule's input in batches
// (POST /api/rules/:id/execute/batch, --batch-size inputs each) → batchRunsPerSec.
// Reports throughput, HTTP errors, executor restarts, RSS over time (the app and its executor
// processes, when this script started the server) and lost records: runs answered with a runId
// that are not in the run history once the batched recorder has flushed.
// Without --url it builds when needed and starts its own server (`node scripts/start.mjs`) on a
// free port with a temp SQLite database, and stops it afterwards. Prints a table; with --json,
// one JSON object as the last line. The load generator shares the machine with the server.
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import { parseArgs } from "node:util";
import { signIn, startOwnServer, treeRssMb } from "./server.mjs";

const { values: args } = parseArgs({
  options: {
    url: { type: "string" },
    // With --url: an account allowed to create rules, publish and create keys (an admin).
    email: { type: "string", default: process.env.RULEBOX_BENCH_EMAIL },
    password: { type: "string", default: process.env.RULEBOX_BENCH_PASSWORD },
    clients: { type: "string", default: "16" },
    seconds: { type: "string", default: "20" },
    "baseline-seconds": { type: "string" },
    "hostile-ratio": { type: "string", default: "0.05" },
    "batch-seconds": { type: "string", default: "5" },
    "batch-size": { type: "string", default: "100" },
    json: { type: "boolean", default: false },
  },
});
const clients = positiveInt(args.clients, "--clients");
const seconds = Math.min(600, positiveNumber(args.seconds, "--seconds"));
const baselineSeconds = Math.min(600, args["baseline-seconds"] ? positiveNumber(args["baseline-seconds"], "--baseline-seconds") : Math.max(5, seconds / 2));
const batchSeconds = Math.min(600, Number(args["batch-seconds"]));
if (!(batchSeconds >= 0)) fail("--batch-seconds must be 0 (skip the batch phase) or more");
const batchSize = Math.min(1000, positiveInt(args["batch-size"], "--batch-size"));
const BATCH_CLIENTS = 2;
const hostileRatio = Number(args["hostile-ratio"]);
if (!(hostileRatio >= 0 && hostileRatio <= 1)) fail("--hostile-ratio must be between 0 and 1");
const say = (line) => (args.json ? process.stderr : process.stdout).write(`${line}\n`);

function fail(message) {
  console.error(`load: ${message}`);
  process.exit(2);
}
function positiveNumber(text, name) {
  const n = Number(text);
  if (!(n > 0)) fail(`${name} must be a positive number, got "${text}"`);
  return n;
}
function positiveInt(text, name) {
  const n = positiveNumber(text, name);
  if (!Number.isInteger(n)) fail(`${name} must be a whole number, got "${text}"`);
  return n;
}

const BENIGN = {
  name: "benign: order total (lodash)",
  source: `import _ from "lodash";
export default function rule(input, ctx) {
  const total = _.sumBy(input.items, (item) => item.price * item.qty);
  ctx.log("items", input.items.length);
  return { total, discount: total > 100 ? 0.1 : 0, skus: _.uniq(_.map(input.items, "sku")).length };
}
`,
  input: { items: [{ sku: "A-1", price: 19.5, qty: 2 }, { sku: "B-2", price: 42, qty: 1 }, { sku: "C-3", price: 7.25, qty: 4 }] },
};
const HOSTILE = [
  { name: "hostile: sync endless loop", source: "export default function rule() {\n  for (;;) {}\n}\n" },
  { name: "hostile: microtask loop", source: "export default async function rule() {\n  for (;;) await null;\n}\n" },
  { name: "hostile: never-settling promise", source: "export default function rule() {\n  return new Promise(() => {});\n}\n" },
  { name: "hostile: heap bomb", source: "export default function rule() {\n  let a = [1];\n  for (;;) a = a.concat(a);\n}\n" },
  { name: "hostile: output flood", source: "export default function rule() {\n  return 'x'.repeat(8 * 1024 * 1024);\n}\n" },
  { name: "hostile: log flood", source: "export default function rule(input, ctx) {\n  for (let i = 0; i < 200000; i++) ctx.log('flood', i);\n  return 1;\n}\n" },
];

// ---------- server ----------
// bench/server.mjs: start the built app with a bootstrapped admin and sign in; RSS of its tree.

// ---------- HTTP ----------

// node:http with a keep-alive agent: undici's fetch costs the load generator about twice the CPU
// per request, and the generator shares the two cores with the server it measures.
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

function api(baseUrl, method, route, body, headers = {}) {
  const url = new URL(route, baseUrl);
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        path: `${url.pathname}${url.search}`,
        method,
        agent,
        headers: payload === undefined ? headers : { "content-type": "application/json", "content-length": Buffer.byteLength(payload), ...headers },
      },
      (res) => {
        const chunks = [];
        res.on("data", (chunk) => chunks.push(chunk));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          let json;
          try {
            json = text ? JSON.parse(text) : undefined;
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, body: json, text });
        });
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

async function must(baseUrl, method, route, body, headers) {
  const res = await api(baseUrl, method, route, body, headers);
  if (res.status >= 300) throw new Error(`${method} ${route} answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body;
}

async function executorStats(baseUrl) {
  const health = await must(baseUrl, "GET", "/api/health");
  return health.executor;
}

async function recorderBuffered(baseUrl) {
  const res = await api(baseUrl, "GET", "/api/metrics");
  const match = /^rulebox_run_recorder_buffered (\d+)/m.exec(res.text);
  return match ? Number(match[1]) : 0;
}

// ---------- the load ----------

function quantile(sorted, q) {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))];
}
const round = (n, digits = 2) => (n === null ? null : Number(n.toFixed(digits)));

/**
 * `clients` closed-loop benign clients for `ms`, plus hostile traffic as its own stream: after
 * each benign answer, hostile requests are sent so that they make up `ratio` of all requests.
 * They are not awaited by the benign clients (attackers are other callers: a slow hostile run
 * must not slow the benign load down by holding one of its clients); at most 4 per client are
 * outstanding at once, so the load stays bounded.
 */
async function drive(baseUrl, auth, rules, { ms, ratio }) {
  const samples = [];
  const started = performance.now();
  const end = started + ms;
  const hostileInFlight = new Set();
  const maxHostileInFlight = clients * 4;
  let credit = 0;
  let pick = 0;
  let hostileSkipped = 0;
  const send = async (rule, hostile) => {
    const t = performance.now();
    let status = 0;
    let outcome = null;
    let runId = null;
    try {
      const res = await api(baseUrl, "POST", `/api/rules/${rule.id}/execute`, { input: rule.input ?? null }, auth);
      status = res.status;
      outcome = res.body?.outcome ?? res.body?.error?.code ?? null;
      runId = res.body?.runId ?? null;
    } catch {
      status = 0; // connection error
    }
    samples.push({ hostile, rule: rule.name, ruleId: rule.id, status, outcome, runId, ms: performance.now() - t, at: t - started });
  };
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (performance.now() < end) {
        await send(rules.benign, false);
        credit += ratio / (1 - ratio || 1);
        while (ratio > 0 && credit >= 1) {
          credit -= 1;
          if (hostileInFlight.size >= maxHostileInFlight) {
            hostileSkipped += 1;
            continue;
          }
          const request = send(rules.hostile[pick++ % rules.hostile.length], true).finally(() => hostileInFlight.delete(request));
          hostileInFlight.add(request);
        }
      }
    }),
  );
  const elapsedMs = performance.now() - started;
  await Promise.all(hostileInFlight);
  return { samples, elapsedMs, hostileSkipped };
}

/** BATCH_CLIENTS closed-loop clients sending batches of `size` benign inputs for `ms`. */
async function driveBatches(baseUrl, auth, rule, { ms, size }) {
  const samples = [];
  const requests = [];
  const started = performance.now();
  const end = started + ms;
  const body = { inputs: Array.from({ length: size }, () => rule.input ?? null) };
  await Promise.all(
    Array.from({ length: BATCH_CLIENTS }, async () => {
      while (performance.now() < end) {
        const t = performance.now();
        let status = 0;
        try {
          const res = await api(baseUrl, "POST", `/api/rules/${rule.id}/execute/batch`, body, auth);
          status = res.status;
          for (const entry of res.body?.results ?? []) {
            samples.push({ hostile: false, rule: rule.name, ruleId: rule.id, status, outcome: entry.outcome ?? entry.refused?.code ?? null, runId: entry.runId ?? null });
          }
        } catch {
          status = 0;
        }
        requests.push({ status, ms: performance.now() - t });
      }
    }),
  );
  const elapsedMs = performance.now() - started;
  const ok = samples.filter((s) => s.outcome === "ok").length;
  const batchMs = Float64Array.from(requests.filter((r) => r.status === 200).map((r) => r.ms)).sort();
  return {
    samples,
    summary: {
      batchRequests: requests.length,
      batchSize: size,
      batchRunsPerSec: round((ok / elapsedMs) * 1000, 1),
      batchP50Ms: round(quantile(batchMs, 0.5)),
      batchNotOk: samples.length - ok,
      batchHttp5xx: requests.filter((r) => r.status >= 500).length,
    },
  };
}

function summarizePhase({ samples, elapsedMs }) {
  const benign = Float64Array.from(samples.filter((s) => !s.hostile && s.status === 200).map((s) => s.ms)).sort();
  const statuses = {};
  for (const s of samples) statuses[s.status] = (statuses[s.status] ?? 0) + 1;
  const outcomes = {};
  for (const s of samples) {
    const key = `${s.hostile ? s.rule : "benign"} → ${s.outcome}`;
    outcomes[key] = (outcomes[key] ?? 0) + 1;
  }
  return {
    requests: samples.length,
    runsPerSec: round((samples.filter((s) => s.status === 200).length / elapsedMs) * 1000, 1),
    benignP50Ms: round(quantile(benign, 0.5)),
    benignP99Ms: round(quantile(benign, 0.99)),
    benignNotOk: samples.filter((s) => !s.hostile && s.outcome !== "ok").length,
    http5xx: samples.filter((s) => s.status >= 500).length,
    http503: samples.filter((s) => s.status === 503).length,
    http429: samples.filter((s) => s.status === 429).length,
    connectionErrors: samples.filter((s) => s.status === 0).length,
    statuses,
    outcomes,
  };
}

/** Run ids answered per rule that the run history does not hold (after the recorder flushed). */
async function countLostRecords(baseUrl, samples) {
  const deadline = Date.now() + 30_000;
  while ((await recorderBuffered(baseUrl)) > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  const promised = new Map();
  for (const s of samples) {
    if (!s.runId) continue;
    if (!promised.has(s.ruleId)) promised.set(s.ruleId, new Set());
    promised.get(s.ruleId).add(s.runId);
  }
  let lost = 0;
  let stored = 0;
  for (const [ruleId, ids] of promised) {
    const seen = new Set();
    let cursor = null;
    do {
      const page = await must(baseUrl, "GET", `/api/rules/${ruleId}/runs?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`, undefined, session);
      for (const run of page.runs) seen.add(run.id);
      cursor = page.nextCursor;
    } while (cursor);
    for (const id of ids) (seen.has(id) ? stored++ : lost++);
  }
  return { promised: stored + lost, stored, lost };
}

if (args.url && (!args.email || !args.password)) fail("--url needs an admin's --email and --password (or RULEBOX_BENCH_EMAIL / RULEBOX_BENCH_PASSWORD)");
const server = args.url
  ? { baseUrl: args.url.replace(/\/$/, ""), pid: null, cookie: await signIn(args.url.replace(/\/$/, ""), args.email, args.password), stop: async () => undefined }
  : await startOwnServer({ name: "load", log: say, quietBuild: args.json });
const session = { cookie: server.cookie };
const rssSeries = [];
let sampler;
try {
  const { baseUrl } = server;
  say(`load: ${baseUrl}, ${clients} clients, baseline ${baselineSeconds} s benign only, then ${seconds} s with ${hostileRatio * 100}% hostile`);
  const { secret } = await must(baseUrl, "POST", "/api/keys", { name: `load ${new Date().toISOString()}` }, session);
  const auth = { authorization: `Bearer ${secret}` };
  const stamp = Date.now().toString(36);
  const create = async (spec) => {
    const { rule } = await must(baseUrl, "POST", "/api/rules", { name: `${spec.name} ${stamp}`, source: spec.source, language: "javascript", message: "load test" }, session);
    await must(baseUrl, "POST", `/api/rules/${rule.id}/publish`, { version: 1, message: "load test" }, session);
    return { id: rule.id, name: spec.name, input: spec.input };
  };
  const rules = { benign: await create(BENIGN), hostile: await Promise.all(HOSTILE.map(create)) };

  const t0 = performance.now();
  if (server.pid) {
    sampler = setInterval(() => rssSeries.push({ s: round((performance.now() - t0) / 1000, 1), mb: round(treeRssMb(server.pid), 1) }), 500);
  }
  const warm = await drive(baseUrl, auth, rules, { ms: 1_000, ratio: 0 });
  if (warm.samples.some((s) => s.status !== 200)) throw new Error(`warm-up failed: ${JSON.stringify(summarizePhase(warm).statuses)}`);
  const before = await executorStats(baseUrl);
  const baselineRun = await drive(baseUrl, auth, rules, { ms: baselineSeconds * 1000, ratio: 0 });
  const baseline = summarizePhase(baselineRun);
  say(`load: baseline ${baseline.requests} requests, ${baseline.runsPerSec}/s, benign p50 ${baseline.benignP50Ms} ms, p99 ${baseline.benignP99Ms} ms`);
  const mixedRun = await drive(baseUrl, auth, rules, { ms: seconds * 1000, ratio: hostileRatio });
  const mixed = summarizePhase(mixedRun);
  if (process.env.LOAD_DUMP) fs.writeFileSync(process.env.LOAD_DUMP, JSON.stringify(mixedRun.samples));
  const batches = batchSeconds > 0 ? await driveBatches(baseUrl, auth, rules.benign, { ms: batchSeconds * 1000, size: batchSize }) : null;
  if (batches) say(`load: batches of ${batchSize}: ${batches.summary.batchRequests} requests, ${batches.summary.batchRunsPerSec} runs/s, p50 ${batches.summary.batchP50Ms} ms per batch`);
  const after = await executorStats(baseUrl);
  clearInterval(sampler);
  const records = await countLostRecords(baseUrl, [...warm.samples, ...baselineRun.samples, ...mixedRun.samples, ...(batches?.samples ?? [])]);

  const peakRssMb = rssSeries.length ? Math.max(...rssSeries.map((p) => p.mb)) : null;
  const targets = {
    zeroLostRecords: records.lost === 0,
    zero5xx: baseline.http5xx + mixed.http5xx + (batches?.summary.batchHttp5xx ?? 0) === 0,
    benignP99Within3xBaseline: mixed.benignP99Ms !== null && baseline.benignP99Ms !== null && mixed.benignP99Ms <= 3 * baseline.benignP99Ms,
  };
  const summary = {
    requests: mixed.requests,
    runsPerSec: mixed.runsPerSec,
    benignP50Ms: mixed.benignP50Ms,
    benignP99Ms: mixed.benignP99Ms,
    baselineP50Ms: baseline.benignP50Ms,
    baselineP99Ms: baseline.benignP99Ms,
    baselineRunsPerSec: baseline.runsPerSec,
    p99Ratio: round(mixed.benignP99Ms / baseline.benignP99Ms),
    benignNotOk: mixed.benignNotOk,
    hostileRequests: mixedRun.samples.filter((s) => s.hostile).length,
    hostileThrottled429: mixed.http429,
    ...(batches ? batches.summary : {}),
    hostileSkipped: mixedRun.hostileSkipped,
    http5xx: baseline.http5xx + mixed.http5xx + (batches?.summary.batchHttp5xx ?? 0),
    http503: baseline.http503 + mixed.http503,
    connectionErrors: baseline.connectionErrors + mixed.connectionErrors,
    lostRecords: records.lost,
    recordsPromised: records.promised,
    executorRestarts: after.executorRestarts - before.executorRestarts,
    quarantinedRules: after.quarantinedRules,
    peakRssMb,
    rssMb: rssSeries.filter((_, i) => i % 4 === 0),
    outcomes: mixed.outcomes,
    config: { clients, seconds, baselineSeconds, hostileRatio, batchSeconds, batchSize, batchClients: BATCH_CLIENTS, cores: os.availableParallelism(), node: process.version },
    targets,
    targetsMet: Object.values(targets).every(Boolean),
  };

  say("");
  say(`phase     requests  runs/s   benign p50  benign p99  5xx`);
  say(`baseline  ${String(baseline.requests).padEnd(9)} ${String(baseline.runsPerSec).padEnd(8)} ${String(baseline.benignP50Ms).padEnd(11)} ${String(baseline.benignP99Ms).padEnd(11)} ${baseline.http5xx}`);
  say(`mixed     ${String(mixed.requests).padEnd(9)} ${String(mixed.runsPerSec).padEnd(8)} ${String(mixed.benignP50Ms).padEnd(11)} ${String(mixed.benignP99Ms).padEnd(11)} ${mixed.http5xx}`);
  say("");
  for (const [key, n] of Object.entries(mixed.outcomes).sort()) say(`  ${key}: ${n}`);
  say("");
  say(`benign p99 under hostile load: ${summary.p99Ratio}× baseline (target ≤ 3×)`);
  say(`lost records: ${records.lost} of ${records.promised}; executor restarts: ${summary.executorRestarts}; peak RSS ${peakRssMb ?? "n/a (--url)"} MB`);
  say(`targets: ${Object.entries(targets).map(([k, v]) => `${k} ${v ? "met" : "MISSED"}`).join(", ")}`);
  if (args.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
  process.exitCode = summary.targetsMet ? 0 : 1;
} finally {
  clearInterval(sampler);
  await server.stop();
}
