// The lean execute listener (server/http/execute-listener.ts, used under `npm start`) and the Next
// route handlers (used under `next dev`, or with RULEBOX_EXECUTE_LISTENER=0) serve the same two
// endpoints from one spec. This drives the same requests through both and requires the same
// answers: status, envelope, headers that matter, and outcome.
import http from "node:http";
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type StartedServer } from "../harness/server";

interface Side {
  server: StartedServer;
  ruleId: string;
  scopedSecret: string;
  otherRuleId: string;
  secret: string;
  archivedId: string;
}

async function json(server: StartedServer, method: string, path: string, body?: unknown) {
  const res = await fetch(`${server.baseUrl}${path}`, { method, headers: { "content-type": "application/json", cookie: server.adminCookie }, body: body === undefined ? undefined : JSON.stringify(body) });
  return (await res.json()) as any;
}

async function prepare(server: StartedServer): Promise<Side> {
  const make = async (name: string, source: string) => {
    const { rule } = await json(server, "POST", "/api/rules", { name, source, language: "javascript" });
    await json(server, "POST", `/api/rules/${rule.id}/publish`, { version: 1 });
    return rule.id as string;
  };
  const ruleId = await make("double", "export default (input) => ({ doubled: input.n * 2 });");
  const otherRuleId = await make("other", "export default () => 1;");
  const archivedId = await make("archived", "export default () => 1;");
  await json(server, "DELETE", `/api/rules/${archivedId}`);
  const { secret } = await json(server, "POST", "/api/keys", { name: "k" });
  const scoped = await json(server, "POST", "/api/keys", { name: "scoped", ruleIds: [ruleId] });
  return { server, ruleId, otherRuleId, archivedId, secret, scopedSecret: scoped.secret };
}

/** A raw HTTP/1.1 request, so bodies and headers are sent exactly as written. */
function raw(server: StartedServer, path: string, headers: Record<string, string>, body: Buffer | string): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: any }> {
  const url = new URL(server.baseUrl);
  return new Promise((resolve, reject) => {
    const req = http.request({ hostname: url.hostname, port: url.port, path, method: "POST", headers: { host: url.host, ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        let parsed: unknown = text;
        try {
          parsed = JSON.parse(text);
        } catch {
          // not JSON: compared as text
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: parsed });
      });
    });
    req.on("error", reject);
    req.end(body);
  });
}

/** What must match between the two paths (run ids, clocks and durations differ by nature; rule ids are named by role). */
function comparable(side: Side, answer: { status: number; headers: http.IncomingHttpHeaders; body: any }) {
  let text = JSON.stringify(answer.body);
  for (const [name, id] of Object.entries({ RULE: side.ruleId, OTHER: side.otherRuleId, ARCHIVED: side.archivedId })) text = text.split(id).join(name);
  const body = JSON.parse(text);
  const stable =
    body && typeof body === "object" && "outcome" in body
      ? { outcome: body.outcome, output: body.output, version: body.version, recorded: typeof body.runId === "string" }
      : body && typeof body === "object" && "results" in body
        ? { version: body.version, results: body.results.map((r: any) => r.outcome ?? r.refused) }
        : body;
  return { status: answer.status, body: stable, contentType: answer.headers["content-type"]?.split(";")[0], wwwAuthenticate: answer.headers["www-authenticate"] ?? null, cache: answer.headers["cache-control"] ?? null };
}

describe("the lean execute listener answers like the Next route handlers", () => {
  let lean: Side;
  let viaNext: Side;
  beforeAll(async () => {
    const [a, b] = await Promise.all([startServer(), startServer({ RULEBOX_EXECUTE_LISTENER: "0" })]);
    [lean, viaNext] = await Promise.all([prepare(a), prepare(b)]);
  }, 120_000);
  afterAll(async () => {
    await Promise.all([lean?.server.stop(), viaNext?.server.stop()]);
  });

  const cases: [string, (s: Side) => { path: string; headers: Record<string, string>; body: string | Buffer }][] = [
    ["a valid run", (s) => ({ path: `/api/rules/${s.ruleId}/execute`, headers: { "content-type": "application/json", authorization: `Bearer ${s.secret}` }, body: '{"input":{"n":21}}' })],
    ["a pinned version", (s) => ({ path: `/api/rules/${s.ruleId}/execute`, headers: { "content-type": "application/json", "x-api-key": s.secret }, body: '{"input":{"n":1},"version":1}' })],
    ["a batch", (s) => ({ path: `/api/rules/${s.ruleId}/execute/batch`, headers: { "content-type": "application/json", authorization: `Bearer ${s.secret}` }, body: '{"inputs":[{"n":1},{"n":2}]}' })],
    ["no key", (s) => ({ path: `/api/rules/${s.ruleId}/execute`, headers: { "content-type": "application/json" }, body: '{"input":1}' })],
    ["a wrong key with a bad body (key first)", (s) => ({ path: `/api/rules/${s.ruleId}/execute`, headers: { authorization: "Bearer rbx_" + "x".repeat(43) }, body: "{" })],
    ["a key out of scope", (s) => ({ path: `/api/rules/${s.otherRuleId}/execute`, headers: { "content-type": "application/json", authorization: `Bearer ${s.scopedSecret}` }, body: '{"input":1}' })],
    ["an unknown rule", (s) => ({ path: "/api/rules/nope/execute", headers: { "content-type": "application/json", authorization: `Bearer ${s.secret}` }, body: '{"input":1}' })],
    ["a malformed rule id", (s) => ({ path: "/api/rules/a%20b/execute", headers: { "content-type": "application/json", authorization: `Bearer ${s.secret}` }, body: '{"input":1}' })],
    ["an archived rule", (s) => ({ path: `/api/rules/${s.archivedId}/execute`, headers: { "content-type": "application/json", authorization: `Bearer ${s.secret}` }, body: '{"input":1}' })],
    ["bad JSON", (s) => ({ path: `/api/rules/${s.ruleId}/execute`, headers: { "content-type": "application/json", authorization: `Bearer ${s.secret}` }, body: '{"input":' })],
    ["an empty body", (s) => ({ path: `/api/rules/${s.ruleId}/execute`, headers: { "content-type": "application/json", authorization: `Bearer ${s.secret}` }, body: "" })],
    ["invalid UTF-8", (s) => ({ path: `/api/rules/${s.ruleId}/execute`, headers: { "content-type": "application/json", authorization: `Bearer ${s.secret}` }, body: Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x7d]) })],
    ["an unknown field", (s) => ({ path: `/api/rules/${s.ruleId}/execute`, headers: { "content-type": "application/json", authorization: `Bearer ${s.secret}` }, body: '{"input":1,"extra":true}' })],
    ["an input over 1 MiB", (s) => ({ path: `/api/rules/${s.ruleId}/execute`, headers: { "content-type": "application/json", authorization: `Bearer ${s.secret}` }, body: JSON.stringify({ input: "x".repeat(1024 * 1024 + 10) }) })],
    ["JSON nested too deep", (s) => ({ path: `/api/rules/${s.ruleId}/execute`, headers: { "content-type": "application/json", authorization: `Bearer ${s.secret}` }, body: `{"input":${"[".repeat(200)}${"]".repeat(200)}}` })],
    ["a foreign Host", (s) => ({ path: `/api/rules/${s.ruleId}/execute`, headers: { host: "evil.example", "content-type": "application/json", authorization: `Bearer ${s.secret}` }, body: '{"input":1}' })],
  ];

  it.each(cases)("%s", async (_label, build) => {
    const a = build(lean);
    const b = build(viaNext);
    const [fromLean, fromNext] = await Promise.all([raw(lean.server, a.path, a.headers, a.body), raw(viaNext.server, b.path, b.headers, b.body)]);
    expect(comparable(lean, fromLean)).toEqual(comparable(viaNext, fromNext));
  });

  it("is really a different path: the listener answers without Next's headers", async () => {
    const a = cases[0]![1](lean);
    const b = cases[0]![1](viaNext);
    const [fromLean, fromNext] = await Promise.all([raw(lean.server, a.path, a.headers, a.body), raw(viaNext.server, b.path, b.headers, b.body)]);
    expect(fromNext.headers.vary).toMatch(/RSC|Next-Router/i);
    expect(fromLean.headers.vary).toBeUndefined();
  });
  it("a client that disconnects mid-body does not hold up the shutdown drain", async () => {
    const url = new URL(lean.server.baseUrl);
    await new Promise<void>((resolve, reject) => {
      const socket = net.connect(Number(url.port), url.hostname, () => {
        socket.write(`POST /api/rules/${lean.ruleId}/execute HTTP/1.1\r\nHost: ${url.host}\r\nAuthorization: Bearer ${lean.secret}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"input":`);
        // The server has read the headers once it answers another request on a second connection.
        fetch(`${lean.server.baseUrl}/api/health`).then(() => {
          socket.destroy();
          resolve();
        }, reject);
      });
      socket.on("error", reject);
    });
    await fetch(`${lean.server.baseUrl}/api/health`);
    await lean.server.stop();
    expect(lean.server.output()).toMatch(/stopped \(all requests answered/);
  });

});
