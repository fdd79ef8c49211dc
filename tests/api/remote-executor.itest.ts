// Remote executors end to end: two executor hosts (the built .executor-dist/executor-host.mjs) on
// loopback with a token, and the built app started with RULEBOX_EXECUTOR_URLS pointing at them.
// A benign rule runs ok, an endless loop times out, a host refuses a wrong token (the app answers
// 503), and a host SIGKILLed mid-run leaves that run `crashed` and recorded while the app keeps
// serving on the other host, then answers a clear 503 when none is left.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findFreePort, startServer, type StartedServer } from "../harness/server";

const root = path.resolve(__dirname, "..", "..");
const TOKEN = "itest-executor-token-0123456789abcdef";
const BENIGN = "export default function rule(input) {\n  return { doubled: input.n * 2 };\n}\n";
const LOOP = "export default function rule() {\n  for (;;) {}\n}\n";

interface Host {
  url: string;
  child: ChildProcess;
  output: () => string;
  stop: () => Promise<void>;
}

/** Starts an executor host and resolves once it prints its listening line. */
async function startHost(): Promise<Host> {
  const port = await findFreePort();
  const env: NodeJS.ProcessEnv = { ...process.env, RULEBOX_EXECUTOR_LISTEN: `127.0.0.1:${port}`, RULEBOX_EXECUTOR_TOKEN: TOKEN, RULEBOX_EXECUTORS: "1" };
  // A host never needs the database.
  delete env.DATABASE_URL;
  const child = spawn(process.execPath, [path.join(root, ".executor-dist", "executor-host.mjs")], { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`executor host not listening after 60 s:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString("utf8");
      if (output.includes("listening on http://")) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`executor host exited (${code}) before listening:\n${output}`));
    });
  });
  return {
    url: `http://127.0.0.1:${port}`,
    child,
    output: () => output,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}

/** Each started app's admin session, by base URL (an executor host needs none). */
const cookies = new Map<string, string>();
async function start(env: Record<string, string>): Promise<StartedServer> {
  const server = await startServer(env);
  cookies.set(server.baseUrl, server.adminCookie);
  return server;
}

async function call<T = any>(base: string, method: string, route: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: T }> {
  const cookie = cookies.get(base);
  const res = await fetch(`${base}${route}`, {
    method,
    headers: { ...(body === undefined ? {} : { "content-type": "application/json" }), ...(cookie ? { cookie } : {}), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
}

interface HostView {
  url: string;
  state: string;
  inFlight: number;
}

describe("remote executor hosts", () => {
  let hosts: Host[] = [];
  let app: StartedServer;

  const remoteHosts = async (): Promise<HostView[]> => (await call<{ executor: { remote: { hosts: HostView[] } } }>(app.baseUrl, "GET", "/api/health")).body.executor.remote.hosts;
  async function waitForHosts(what: string, check: (list: HostView[]) => boolean): Promise<HostView[]> {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const list = await remoteHosts();
      if (check(list)) return list;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(list)}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  beforeAll(async () => {
    hosts = await Promise.all([startHost(), startHost()]);
    app = await start({ RULEBOX_EXECUTOR_URLS: hosts.map((h) => h.url).join(","), RULEBOX_EXECUTOR_TOKEN: TOKEN, RULEBOX_EXECUTOR_HEALTH_MS: "200" });
  });

  afterAll(async () => {
    await app?.stop();
    await Promise.all(hosts.map((h) => h.stop()));
  });

  it("runs a benign rule on a host and times out an endless loop", async () => {
    await waitForHosts("both hosts up", (list) => list.length === 2 && list.every((h) => h.state === "up"));
    const ok = await call(app.baseUrl, "POST", "/api/run", { source: BENIGN, input: { n: 21 } });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ outcome: "ok", output: { doubled: 42 } });
    const loop = await call(app.baseUrl, "POST", "/api/run", { source: LOOP, input: null, limits: { timeoutMs: 300 } });
    expect(loop.body).toMatchObject({ outcome: "timeout" });
    // The app still blocks statically (fail closed) before anything reaches a host.
    const hostile = await call(app.baseUrl, "POST", "/api/run", { source: "export default () => process.env", input: null });
    expect(hostile.body.outcome).toBe("blocked");
  });

  it("host side: refuses a wrong token, re-runs the static check, and re-checks limits against its own caps", async () => {
    const limits = { timeoutMs: 1000, memoryMb: 64, maxOutputBytes: 65536, maxLogBytes: 16384 };
    const runs = [
      { source: "export default () => process.env", language: "javascript", input: null, limits, clock: 1 },
      { source: BENIGN, language: "javascript", input: { n: 1 }, limits: { ...limits, timeoutMs: 10_000_000 }, clock: 1 },
    ];
    const wrong = await call(hosts[0]!.url, "POST", "/v1/runs", { runs }, { authorization: "Bearer not-the-token" });
    expect(wrong.status).toBe(401);
    const res = await fetch(`${hosts[0]!.url}/v1/runs`, { method: "POST", headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" }, body: JSON.stringify({ runs }) });
    expect(res.status).toBe(200);
    const answers = (await res.text())
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { i: number; result: { outcome: string; error?: { message: string } } });
    answers.sort((a, b) => a.i - b.i);
    expect(answers.map((a) => a.result.outcome)).toEqual(["blocked", "crashed"]);
    expect(answers[1]!.result.error?.message).toMatch(/refuses these limits/);
  });

  it("answers 503 when the hosts refuse the app's token", async () => {
    const wrongApp = await start({ RULEBOX_EXECUTOR_URLS: hosts[0]!.url, RULEBOX_EXECUTOR_TOKEN: "a-wrong-token-0123456789abcdef" });
    try {
      const res = await call(wrongApp.baseUrl, "POST", "/api/run", { source: BENIGN, input: { n: 1 } });
      expect(res.status).toBe(503);
      expect(JSON.stringify(res.body)).toMatch(/No executor host is available.*token/);
      const health = await call(wrongApp.baseUrl, "GET", "/api/health");
      expect(health.status).toBe(200);
    } finally {
      await wrongApp.stop();
    }
  });

  it("answers 503 naming the setting when RULEBOX_EXECUTOR_URLS is malformed", async () => {
    const misconfigured = await start({ RULEBOX_EXECUTOR_URLS: "ftp://executor.internal:7070", RULEBOX_EXECUTOR_TOKEN: TOKEN });
    try {
      const res = await call(misconfigured.baseUrl, "POST", "/api/run", { source: BENIGN, input: { n: 1 } });
      expect(res.status).toBe(503);
      expect(JSON.stringify(res.body)).toMatch(/misconfigured.*must be http/);
    } finally {
      await misconfigured.stop();
    }
  });

  it("records a run `crashed` when its host is SIGKILLed mid-run, keeps serving on the other host, then answers 503 with none left", async () => {
    await waitForHosts("both hosts up", (list) => list.every((h) => h.state === "up" && h.inFlight === 0));
    const created = await call<{ rule: { id: string } }>(app.baseUrl, "POST", "/api/rules", { name: `remote ${Date.now()}`, source: LOOP, language: "javascript" });
    expect(created.status).toBe(201);
    const ruleId = created.body.rule.id;

    const loop = call<{ outcome: string; runId?: string; error?: { message: string } }>(app.baseUrl, "POST", "/api/run", { source: LOOP, input: null, ruleId, limits: { timeoutMs: 5_000 } });
    const busy = await waitForHosts("the loop in flight", (list) => list.some((h) => h.inFlight === 1));
    const victimIndex = busy.findIndex((h) => h.inFlight === 1);
    const victim = hosts.find((h) => h.url === busy[victimIndex]!.url)!;
    const survivor = hosts.find((h) => h !== victim)!;
    victim.child.kill("SIGKILL");

    const answer = await loop;
    expect(answer.status).toBe(200);
    expect(answer.body.outcome).toBe("crashed");
    expect(answer.body.error?.message).toMatch(/not retried/);
    expect(answer.body.runId).toEqual(expect.any(String));
    const recorded = await call<{ run: { outcome: string } }>(app.baseUrl, "GET", `/api/runs/${answer.body.runId}`);
    expect(recorded.body.run.outcome).toBe("crashed");

    // The app keeps serving on the surviving host.
    const next = await call(app.baseUrl, "POST", "/api/run", { source: BENIGN, input: { n: 2 } });
    expect(next.body).toMatchObject({ outcome: "ok", output: { doubled: 4 } });
    const states = await remoteHosts();
    expect(states.find((h) => h.url === new URL(victim.url).origin)?.state).toBe("down");

    // No host left: a clear 503, and the app itself stays up.
    await survivor.stop();
    const none = await call(app.baseUrl, "POST", "/api/run", { source: BENIGN, input: { n: 3 } });
    expect(none.status).toBe(503);
    expect(JSON.stringify(none.body)).toMatch(/No executor host is available/);
    expect((await call(app.baseUrl, "GET", "/api/health")).status).toBe(200);
  });
});
