// The remote executor client against real HTTP servers on loopback port 0: executor hosts
// (remote-host.ts) with a fake runner instead of the sandbox, and raw servers that misbehave.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import type { RunResult } from "../contracts/run";
import type { RunTaskMessage } from "./ipc";
import { readLimitCaps } from "../contracts/limits";
import { RemoteExecutorClient, computeHostBackoff, parseExecutorUrls } from "./remote-client";
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

  it("rejects new runs once shutting down", async () => {
    const h = await startHost(fakeRunner());
    const c = client([h.url]);
    await c.shutdown(0);
    await expect(c.run(task(1))).rejects.toBeInstanceOf(ExecutorBusyError);
  });
});

/** Waits for a condition driven by network events (polling, bounded). */
async function until(check: () => boolean | Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
