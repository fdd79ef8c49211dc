// The remote executor client against real HTTP servers on loopback port 0: executor hosts
// (remote-host.ts) with a fake runner instead of the sandbox, and raw servers that misbehave.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import type { RunResult } from "../contracts/run";
import type { RunTaskMessage } from "./ipc";
import { readLimitCaps } from "../contracts/limits";
import { MAX_HEALTH_BODY_BYTES, RemoteExecutorClient, computeHostBackoff, computeMaxAnswerLineBytes, parseExecutorUrls } from "./remote-client";
import { checkBearer, createExecutorHost, type HostRunner } from "./remote-host";
import { ExecutorBusyError, RuleThrottledError } from "./errors";

const TOKEN = "test-token-0123456789abcdef";
const LIMITS = { timeoutMs: 1000, memoryMb: 64, maxOutputBytes: 65536, maxLogBytes: 16384 };
const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

function task(input: unknown, over: Partial<RunTaskMessage> = {}): RunTaskMessage {
  return { source: "export default function rule(input) { return input; }", language: "javascript", input, limits: LIMITS, clock: 1, ...over };
}

function ok(task: RunTaskMessage, output: unknown = task.input): RunResult {
  return { outcome: "ok", output, logs: [], durationMs: 0, clock: task.clock };
}

/** A runner whose runs finish when the test says so (or at once with `auto`). */
function fakeRunner(auto = true) {
  const seen: RunTaskMessage[] = [];
  const held: (() => void)[] = [];
  const runner: HostRunner & { seen: RunTaskMessage[]; releaseAll: () => void } = {
    seen,
    run: (t) => {
      seen.push(t);
      if (auto) return Promise.resolve(ok(t));
      return new Promise((resolve) => held.push(() => resolve(ok(t))));
    },
    stats: () => Promise.resolve({ alive: 1, executors: [], executorRestarts: 0, queueDepth: 0 }),
    releaseAll: () => held.splice(0).forEach((f) => f()),
  };
  return runner;
}

function listen(server: http.Server, port = 0): Promise<string> {
  return new Promise((resolve) => {
    server.listen(port, "127.0.0.1", () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`));
  });
}

async function startHost(runner: HostRunner, opts: { token?: string; caps?: ReturnType<typeof readLimitCaps>; port?: number } = {}) {
  const host = createExecutorHost({ runner, token: opts.token ?? TOKEN, limitCaps: opts.caps ?? readLimitCaps({}), staticCheck: true, log: () => {} });
  let posts = 0;
  host.server.on("request", (req: http.IncomingMessage) => (posts += req.method === "POST" ? 1 : 0));
  const url = await listen(host.server, opts.port);
  cleanups.push(() => host.drain(0));
  return { host, url, posts: () => posts };
}

/** A port nothing listens on (bound, then closed). */
async function deadUrl(): Promise<string> {
  const server = http.createServer();
  const url = await listen(server);
  await new Promise((resolve) => server.close(resolve));
  return url;
}

function client(urls: string[], over: Partial<ConstructorParameters<typeof RemoteExecutorClient>[0]> = {}) {
  const c = new RemoteExecutorClient({ urls, token: TOKEN, healthIntervalMs: 60_000, log: () => {}, ...over });
  cleanups.push(() => c.shutdown(0));
  return c;
}

async function hostStates(c: RemoteExecutorClient) {
  return (await c.stats()).remote.hosts.map((h) => h.state);
}

describe("pure helpers", () => {
  it("parses the URL list and rejects what is not http(s)", () => {
    expect(parseExecutorUrls(" http://a:7070 , https://b/x ").map(String)).toEqual(["http://a:7070/", "https://b/x"]);
    expect(() => parseExecutorUrls("ftp://a")).toThrow(/http/);
    expect(() => parseExecutorUrls(" , ")).toThrow(/no URL/);
  });

  it("backs off exponentially up to the cap", () => {
    expect([1, 2, 3, 4, 10].map((n) => computeHostBackoff(n, 500, 3000))).toEqual([500, 1000, 2000, 3000, 3000]);
  });

  it("bounds an answer line above the longest honest result for the caps", () => {
    const caps = readLimitCaps({}).caps;
    // Worst case within the caps: output of maxOutputBytes, logs of maxLogBytes spread over the most
    // entries, all of it control characters (six bytes each once escaped), and the longest error.
    const output = "a".repeat(caps.maxOutputBytes - 2);
    const perEntry = Math.floor(caps.maxLogBytes / 10_000);
    const logs = Array.from({ length: 10_000 }, () => ({ level: "debug" as const, message: "\u0001".repeat(perEntry) }));
    const error = { name: "\u0001".repeat(200), message: "\u0001".repeat(4_000), frames: Array.from({ length: 20 }, () => ({ functionName: "f".repeat(200), line: 1e9, column: 1e9 })) };
    const result: RunResult = { outcome: "error", output, logs, logsTruncated: true, error, durationMs: 1e12, memoryBytes: 1e12, clock: 1e15 };
    const line = JSON.stringify({ i: 1023, result });
    expect(Buffer.byteLength(line)).toBeLessThan(computeMaxAnswerLineBytes(caps));
    expect(computeMaxAnswerLineBytes(caps)).toBeLessThan(16 * 1024 * 1024);
  });

  it("accepts only the exact bearer token", () => {
    expect(checkBearer(`Bearer ${TOKEN}`, TOKEN)).toBe(true);
    expect(checkBearer(`Bearer ${TOKEN}x`, TOKEN)).toBe(false);
    expect(checkBearer(TOKEN, TOKEN)).toBe(false);
    expect(checkBearer(undefined, TOKEN)).toBe(false);
  });
});

describe("RemoteExecutorClient", () => {
  it("sends the runs of one turn in one request and answers each with its own result", async () => {
    const runner = fakeRunner();
    const h = await startHost(runner);
    const c = client([h.url]);
    const results = await Promise.all([1, 2, 3, 4, 5].map((n) => c.run(task(n))));
    expect(results.map((r) => (r.outcome === "ok" ? r.output : r.outcome))).toEqual([1, 2, 3, 4, 5]);
    expect(h.posts()).toBe(1);
    expect((await c.stats()).runsByOutcome.ok).toBe(5);
  });

  it("spreads runs over hosts by fewest in flight", async () => {
    const a = fakeRunner(false);
    const b = fakeRunner(false);
    const ha = await startHost(a);
    const hb = await startHost(b);
    const c = client([ha.url, hb.url]);
    const runs = [1, 2, 3, 4].map((n) => c.run(task(n)));
    await until(() => a.seen.length + b.seen.length === 4);
    expect([a.seen.length, b.seen.length]).toEqual([2, 2]);
    a.releaseAll();
    b.releaseAll();
    expect((await Promise.all(runs)).every((r) => r.outcome === "ok")).toBe(true);
  });

  it("moves runs off a host that refuses connections, marks it down, and brings it back after a passing health check", async () => {
    const runner = fakeRunner();
    const live = await startHost(runner);
    const dead = await deadUrl();
    const c = client([dead, live.url], { healthIntervalMs: 20, backoffMs: 10, maxBackoffMs: 20 });
    const results = await Promise.all([1, 2, 3, 4].map((n) => c.run(task(n))));
    expect(results.every((r) => r.outcome === "ok")).toBe(true);
    expect(runner.seen).toHaveLength(4);
    expect((await c.stats()).remote.hosts[0]).toMatchObject({ state: "down" });
    // Bring a host up on the dead port: the health check, not a run, restores it.
    const revived = fakeRunner();
    await startHost(revived, { port: Number(new URL(dead).port) });
    await until(async () => (await hostStates(c))[0] === "up");
    await Promise.all([1, 2, 3, 4].map((n) => c.run(task(n))));
    expect(revived.seen.length).toBeGreaterThan(0);
  });

  it("answers `crashed` for runs in flight on a host that dies, and never retries them elsewhere", async () => {
    const other = fakeRunner();
    const ho = await startHost(other);
    // Accepts the batch, sends the headers (runs "started"), then the connection dies.
    const dying = http.createServer((req, res) => {
      req.resume();
      req.on("end", () => {
        res.writeHead(200, { "content-type": "application/x-ndjson" });
        res.flushHeaders();
        setTimeout(() => res.socket?.destroy(), 20);
      });
    });
    const dyingUrl = await listen(dying);
    cleanups.push(() => new Promise<void>((resolve) => dying.close(() => resolve())));
    // Both hosts start `unknown`; ties go round-robin from the first, so the first run lands on the dying one.
    const c = client([dyingUrl, ho.url]);
    const result = await c.run(task(1));
    expect(result.outcome).toBe("crashed");
    expect(result.error?.message).toMatch(/not retried/);
    expect(other.seen).toHaveLength(0);
    // The dying host is now down: the next run goes to the other one.
    expect(await c.run(task(2))).toMatchObject({ outcome: "ok", output: 2 });
    expect((await c.stats()).remote.hosts.map((h) => h.state)).toEqual(["down", "up"]);
    // With no other host: HTTP 503 (ExecutorBusyError) with the reason.
    const alone = client([dyingUrl]);
    expect((await alone.run(task(3))).outcome).toBe("crashed");
    await expect(alone.run(task(4))).rejects.toThrow(/No executor host is available.*connection lost/);
  });

  it("answers `crashed` at run timeout + grace when a host hangs", async () => {
    const hung = http.createServer((req, res) => {
      req.resume();
      req.on("end", () => {
        res.writeHead(200, { "content-type": "application/x-ndjson" });
        res.flushHeaders();
      });
    });
    const url = await listen(hung);
    cleanups.push(() => {
      hung.closeAllConnections();
      return new Promise<void>((resolve) => hung.close(() => resolve()));
    });
    const c = client([url], { graceMs: 50 });
    const result = await c.run(task(1, { limits: { ...LIMITS, timeoutMs: 20 } }));
    expect(result.outcome).toBe("crashed");
    expect(result.error?.message).toMatch(/did not answer within 70 ms/);
  });

  it("answers `crashed` early for runs on a host that stops answering health checks", async () => {
    // Takes the batch, sends the headers, then goes silent, health checks included (a hung host).
    const frozen = http.createServer((req, res) => {
      req.resume();
      if (req.method === "GET") return; // health check: never answered
      req.on("end", () => {
        res.writeHead(200, { "content-type": "application/x-ndjson" });
        res.flushHeaders();
      });
    });
    const url = await listen(frozen);
    cleanups.push(() => {
      frozen.closeAllConnections();
      return new Promise<void>((resolve) => frozen.close(() => resolve()));
    });
    // The deadline is a minute away: only the silence rule can answer within the test's time.
    const c = client([url], { graceMs: 60_000, healthIntervalMs: 20, healthTimeoutMs: 20, silenceMs: 100 });
    const result = await c.run(task(1));
    expect(result.outcome).toBe("crashed");
    expect(result.error?.message).toMatch(/stopped answering health checks.*not retried/);
  });

  it("splits a turn's runs into requests under the byte budget", async () => {
    const runner = fakeRunner();
    const host = createExecutorHost({ runner, token: TOKEN, limitCaps: readLimitCaps({}), staticCheck: true, maxBodyBytes: 4096, log: () => {} });
    let posts = 0;
    host.server.on("request", (req: http.IncomingMessage) => (posts += req.method === "POST" ? 1 : 0));
    const url = await listen(host.server);
    cleanups.push(() => host.drain(0));
    const c = client([url], { maxBatchBytes: 2048 });
    // Five runs of ~1 KiB: one request would be over the host's 4 KiB limit (413 → all crashed).
    const results = await Promise.all([1, 2, 3, 4, 5].map((n) => c.run(task(`${n}`.padEnd(900, "x")))));
    expect(results.map((r) => r.outcome)).toEqual(["ok", "ok", "ok", "ok", "ok"]);
    expect(posts).toBeGreaterThanOrEqual(3);
  });

  it("refuses with ExecutorBusyError (HTTP 503) when every host rejects the token", async () => {
    const runner = fakeRunner();
    const h = await startHost(runner, { token: "another-token-0123456789" });
    const c = client([h.url]);
    const error = await c.run(task(1)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExecutorBusyError);
    expect((error as Error).message).toMatch(/HTTP 401/);
    expect(runner.seen).toHaveLength(0);
    await expect(c.ready(300)).rejects.toThrow(/token/);
  });

  it("passes a host's throttle through as RuleThrottledError", async () => {
    const runner: HostRunner = {
      run: () => Promise.reject(new RuleThrottledError(3)),
      stats: () => Promise.resolve({}),
    };
    const h = await startHost(runner);
    await expect(client([h.url]).run(task(1))).rejects.toBeInstanceOf(RuleThrottledError);
  });

  it("has the host re-check limits against its own caps and re-run the static check", async () => {
    const runner = fakeRunner();
    const caps = readLimitCaps({ RULEBOX_MAX_TIMEOUT_MS: "500", RULEBOX_DEFAULT_TIMEOUT_MS: "100" });
    const h = await startHost(runner, { caps });
    const c = client([h.url]);
    const [tooLong, hostile, fine] = await Promise.all([
      c.run(task(1)),
      c.run(task(2, { source: "export default function rule() { return process.env; }", limits: { ...LIMITS, timeoutMs: 100 } })),
      c.run(task(3, { limits: { ...LIMITS, timeoutMs: 100 } })),
    ]);
    expect(tooLong).toMatchObject({ outcome: "crashed", error: { message: expect.stringMatching(/refuses these limits.*timeoutMs 1000 exceeds the server cap 500/) } });
    expect(hostile.outcome).toBe("blocked");
    expect(fine).toMatchObject({ outcome: "ok", output: 3 });
    expect(runner.seen.map((t) => t.input)).toEqual([3]);
  });

  it("host: refuses a body over its limit (413) and decides the noisy lane itself", async () => {
    const runner = fakeRunner();
    const host = createExecutorHost({ runner, token: TOKEN, limitCaps: readLimitCaps({}), staticCheck: true, maxBodyBytes: 2048, log: () => {} });
    const url = await listen(host.server);
    cleanups.push(() => host.drain(0));
    const post = (runs: unknown[]) =>
      fetch(`${url}/v1/runs`, { method: "POST", headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" }, body: JSON.stringify({ runs }) });
    const big = await post([task("x".repeat(4096))]);
    expect(big.status).toBe(413);
    const small = await post([task(1, { noisy: true })]);
    expect(small.status).toBe(200);
    await small.text();
    expect(runner.seen).toHaveLength(1);
    expect(runner.seen[0]!.noisy).toBeUndefined();
  });

  it("host: on drain, finishes the open batch, refuses new ones, then closes", async () => {
    const runner = fakeRunner(false);
    const h = await startHost(runner);
    const c = client([h.url]);
    const inFlight = c.run(task(1));
    await until(() => runner.seen.length === 1);
    const drained = h.host.drain(5_000);
    const refused = await fetch(`${h.url}/v1/runs`, { method: "POST", headers: { authorization: `Bearer ${TOKEN}` }, body: JSON.stringify({ runs: [task(2)] }) }).then(
      (res) => res.status,
      () => "closed",
    );
    // Either answered 503 (draining) or no longer accepting connections: never run.
    expect([503, "closed"]).toContain(refused);
    runner.releaseAll();
    expect(await inFlight).toMatchObject({ outcome: "ok", output: 1 });
    await drained;
    expect(runner.seen).toHaveLength(1);
  });

  it("takes a result line split over many chunks with multi-byte characters whole", async () => {
    const output = "é€😀".repeat(20_000);
    const runner: HostRunner = { run: (t) => Promise.resolve(ok(t, output)), stats: () => Promise.resolve({}) };
    const h = await startHost(runner);
    expect(await client([h.url]).run(task(1))).toMatchObject({ outcome: "ok", output });
  });

  it("answers `crashed` when an answer line is over the bound, not at the deadline, and never retries", async () => {
    const other = fakeRunner();
    const ho = await startHost(other);
    // Headers, then a line that never ends: the stream is broken, memory must stay bounded.
    const endless = rawHost((req, res) => {
      req.resume();
      req.on("end", () => {
        res.writeHead(200, { "content-type": "application/x-ndjson" });
        res.write(`{"i":0,"result":{"output":"${"x".repeat(4096)}`);
      });
    });
    const url = await endless.listen();
    const c = client([url, ho.url], { graceMs: 60_000, maxAnswerLineBytes: 1024 });
    const started = Date.now();
    const result = await c.run(task(1));
    expect(result.outcome).toBe("crashed");
    expect(result.error?.message).toMatch(/sent an answer line over 1024 bytes.*not retried/);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(other.seen).toHaveLength(0);
    expect((await c.stats()).remote.hosts[0]).toMatchObject({ state: "down", lastError: expect.stringMatching(/answer line over 1024 bytes/) });
  });

  it("answers `crashed` within the headers timeout when a host takes the batch and never answers", async () => {
    const other = fakeRunner();
    const ho = await startHost(other);
    const silent = rawHost((req) => req.resume());
    const url = await silent.listen();
    const c = client([url, ho.url], { graceMs: 60_000, headersTimeoutMs: 200 });
    const started = Date.now();
    const result = await c.run(task(1));
    expect(result.outcome).toBe("crashed");
    expect(result.error?.message).toMatch(/UND_ERR_HEADERS_TIMEOUT.*may or may not have started there and is not retried/);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(other.seen).toHaveLength(0);
    expect((await c.stats()).remote.hosts[0]).toMatchObject({ state: "down" });
  });

  it("takes a host whose health answer is over the bound, or never comes, as unhealthy", async () => {
    const huge = rawHost((req, res) => {
      req.resume();
      const text = JSON.stringify({ status: "ok", protocol: 1, stats: { padding: "x".repeat(MAX_HEALTH_BODY_BYTES) } });
      res.writeHead(200, { "content-type": "application/json" });
      res.end(text);
    });
    const hugeUrl = await huge.listen();
    await expect(client([hugeUrl]).ready(1_000)).rejects.toThrow(new RegExp(`health answer larger than ${MAX_HEALTH_BODY_BYTES} bytes`));
    // Chunked, without a length: the bound holds while streaming too.
    const streamed = rawHost((req, res) => {
      req.resume();
      res.writeHead(200, { "content-type": "application/json" });
      const timer = setInterval(() => res.write("x".repeat(16 * 1024)), 1);
      res.on("close", () => clearInterval(timer));
    });
    const streamedUrl = await streamed.listen();
    await expect(client([streamedUrl]).ready(1_000)).rejects.toThrow(/health answer larger than/);
    const mute = rawHost((req) => req.resume());
    const muteUrl = await mute.listen();
    const started = Date.now();
    await expect(client([muteUrl], { healthTimeoutMs: 200 }).ready(5_000)).rejects.toThrow(/health check timed out after 200 ms/);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it("re-sends a batch whose reused keep-alive socket the host had closed, but never one sent on a fresh socket", async () => {
    // Answers the first request of each connection; drops the connection on the second one
    // without reading it (as a host closing an idle socket just as the batch arrives).
    const seen = new Map<unknown, number>();
    let posts = 0;
    const closing = rawHost((req, res) => {
      if (req.method === "GET") return healthy(req, res);
      posts += 1;
      const n = (seen.get(req.socket) ?? 0) + 1;
      seen.set(req.socket, n);
      if (n > 1) return void req.socket.destroy();
      answerBatch(req, res);
    });
    const url = await closing.listen();
    const c = client([url]);
    expect(await c.run(task(1))).toMatchObject({ outcome: "ok", output: 1 });
    expect(await c.run(task(2))).toMatchObject({ outcome: "ok", output: 2 });
    expect(posts).toBe(3);
    expect((await c.stats()).remote.hosts[0]).toMatchObject({ state: "up" });
    // The same drop on a fresh connection: the host may have started the batch, so it is lost.
    let freshPosts = 0;
    const dropping = rawHost((req, res) => {
      if (req.method === "GET") return healthy(req, res);
      freshPosts += 1;
      req.socket.destroy();
    });
    const droppingUrl = await dropping.listen();
    const result = await client([droppingUrl]).run(task(3));
    expect(result.outcome).toBe("crashed");
    expect(result.error?.message).toMatch(/not retried/);
    expect(freshPosts).toBe(1);
  });

  it("rejects new runs once shutting down", async () => {
    const h = await startHost(fakeRunner());
    const c = client([h.url]);
    await c.shutdown(0);
    await expect(c.run(task(1))).rejects.toBeInstanceOf(ExecutorBusyError);
  });
});

/** A raw HTTP server standing in for a host that misbehaves; closed after the test. */
function rawHost(handler: http.RequestListener) {
  const server = http.createServer(handler);
  cleanups.push(() => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return { server, listen: () => listen(server) };
}

/** A passing health answer (with stats, as for a caller with the token). */
function healthy(req: http.IncomingMessage, res: http.ServerResponse): void {
  req.resume();
  res.writeHead(200, { "content-type": "application/json" });
  res.end(JSON.stringify({ status: "ok", protocol: 1, stats: {} }));
}

/** Answers every run of a batch `ok` with its input, as a host would. */
function answerBatch(req: http.IncomingMessage, res: http.ServerResponse): void {
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", () => {
    const { runs } = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { runs: RunTaskMessage[] };
    res.writeHead(200, { "content-type": "application/x-ndjson" });
    res.end(runs.map((t, i) => JSON.stringify({ i, result: ok(t) }) + "\n").join(""));
  });
}

/** Waits for a condition driven by network events (polling, bounded). */
async function until(check: () => boolean | Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
