// Runs through the real executor: outcomes over HTTP, recording, history pagination, execute.
import { describe, expect, it } from "vitest";
import { createRule, del, execute, get, post, publishRule } from "../harness/api";

const OK_SOURCE = "export default function rule(input, ctx) { ctx.log('n is', input.n); return { double: input.n * 2 }; }";
const THROWING_SOURCE = "export default function rule(input) {\n  throw new TypeError('bad input ' + input.n);\n}\n";
const BLOCKED_SOURCE = "import fs from 'fs';\nexport default function rule() { return fs.readFileSync('/etc/passwd', 'utf8'); }\n";

describe("POST /api/run", () => {
  it("ok: returns the output and logs; not recorded without a ruleId", async () => {
    const res = await post("/api/run", { source: OK_SOURCE, input: { n: 21 } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ outcome: "ok", output: { double: 42 }, durationMs: expect.any(Number), clock: expect.any(Number) });
    expect(res.body.logs).toEqual([expect.objectContaining({ message: expect.stringContaining("n is") })]);
    expect(res.body).not.toHaveProperty("runId");
  });

  it("error: a throwing rule is an outcome with the user's line, not an HTTP error", async () => {
    const res = await post("/api/run", { source: THROWING_SOURCE, input: { n: 1 } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ outcome: "error", error: { name: "TypeError", message: "bad input 1" } });
    expect(res.body.error.frames[0]).toMatchObject({ line: 2 });
  });

  it("blocked: static analysis refuses the source and says where", async () => {
    const res = await post("/api/run", { source: BLOCKED_SOURCE, input: {} });
    expect(res.status).toBe(200);
    expect(res.body.outcome).toBe("blocked");
    expect(res.body.diagnostics.length).toBeGreaterThan(0);
    expect(res.body.diagnostics[0]).toMatchObject({ severity: "error", line: 1 });
  });

  it("records runs tied to a rule (trigger ide, source kept) and they read back whole", async () => {
    const id = await createRule({ source: OK_SOURCE });
    const res = await post("/api/run", { source: THROWING_SOURCE, input: { n: 7 }, ruleId: id, version: 1 });
    expect(res.body.runId).toEqual(expect.any(String));
    const run = await get(`/api/runs/${res.body.runId}`);
    expect(run.status).toBe(200);
    expect(run.body.run).toMatchObject({
      id: res.body.runId,
      ruleId: id,
      version: 1,
      outcome: "error",
      input: { n: 7 },
      logs: [],
      error: { name: "TypeError", message: "bad input 7" },
      clock: res.body.clock,
      source: THROWING_SOURCE,
      language: "javascript",
      trigger: "ide",
    });
  });
});

describe("run history", () => {
  it("refuses a crafted cursor (not base64 JSON, a date past year 9999) with 422, never a 500", async () => {
    const id = await createRule({ source: OK_SOURCE });
    const crafted = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
    for (const cursor of ["nonsense", crafted({ t: 8.64e15, id: "abc" }), crafted({ t: 253_402_300_800_000, id: "abc" }), crafted({ t: 1, id: "a b" })]) {
      const res = await get(`/api/rules/${id}/runs?cursor=${encodeURIComponent(cursor)}`);
      expect(res.status, cursor).toBe(422);
      expect(res.body.error.details).toEqual([expect.objectContaining({ code: "invalid_cursor" })]);
    }
  });

  it("pages newest first with a cursor and filters by outcome", async () => {
    const id = await createRule({ source: OK_SOURCE });
    const outcomes: string[] = [];
    for (let i = 0; i < 13; i++) {
      const source = i % 3 === 0 ? THROWING_SOURCE : OK_SOURCE;
      const res = await post("/api/run", { source, input: { n: i }, ruleId: id });
      outcomes.push(res.body.outcome);
      expect(res.body.runId).toEqual(expect.any(String));
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: { body: { runs: { id: string; outcome: string; source: string; createdAt: string }[]; nextCursor: string | null } } = await get(
        `/api/rules/${id}/runs?limit=5${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
      );
      expect(page.body.runs.length).toBeLessThanOrEqual(5);
      for (const r of page.body.runs) expect(r.source).toBe("ide");
      seen.push(...page.body.runs.map((r) => r.id));
      cursor = page.body.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(13);
    const full = await get(`/api/rules/${id}/runs?limit=100`);
    expect(full.body.runs.map((r: { id: string }) => r.id)).toEqual(seen);
    const times = full.body.runs.map((r: { createdAt: string }) => Date.parse(r.createdAt));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    expect(full.body.runs.map((r: { outcome: string }) => r.outcome)).toEqual([...outcomes].reverse());
    const errors = await get(`/api/rules/${id}/runs?outcome=error&limit=100`);
    expect(errors.body.runs).toHaveLength(outcomes.filter((o) => o === "error").length);
    expect(errors.body.runs.every((r: { outcome: string }) => r.outcome === "error")).toBe(true);
    expect(errors.body.nextCursor).toBeNull();
  });
});

describe("POST /api/rules/:id/execute", () => {
  it("runs the published version, or a pinned one, and records it with trigger api", async () => {
    const id = await createRule({ source: "export default (input) => ({ v: 1, n: input.n })" });
    await post(`/api/rules/${id}/versions`, { source: "export default (input) => ({ v: 2, n: input.n })", language: "javascript" });
    await publishRule(id, 2);
    const latest = await execute(id, { input: { n: 5 } });
    expect(latest.status).toBe(200);
    expect(latest.body).toMatchObject({ outcome: "ok", output: { v: 2, n: 5 }, version: 2, runId: expect.any(String) });
    const pinned = await execute(id, { input: { n: 6 }, version: 1 });
    expect(pinned.body).toMatchObject({ outcome: "ok", output: { v: 1, n: 6 }, version: 1 });
    const run = await get(`/api/runs/${pinned.body.runId}`);
    expect(run.body.run).toMatchObject({ ruleId: id, version: 1, trigger: "api", outcome: "ok", output: { v: 1, n: 6 } });
    expect(run.body.run).not.toHaveProperty("source");
    const missing = await execute(id, { input: {}, version: 9 });
    expect(missing).toMatchObject({ status: 404, body: { error: { code: "not_found", message: `version 9 of rule ${id} not found` } } });
  });

  it("records every concurrent execute (batched): each runId is distinct and in the history", async () => {
    const id = await createRule({ source: OK_SOURCE });
    const answers = await Promise.all(Array.from({ length: 40 }, (_, n) => execute(id, { input: { n } })));
    expect(answers.map((a) => a.status)).toEqual(Array(40).fill(200));
    const ids = answers.map((a) => a.body.runId as string);
    expect(new Set(ids).size).toBe(40);
    const history = await get(`/api/rules/${id}/runs?limit=100`);
    expect(new Set(history.body.runs.map((r: { id: string }) => r.id))).toEqual(new Set(ids));
    expect(history.body.runs.every((r: { source: string; version: number }) => r.source === "api" && r.version === 1)).toBe(true);
    const health = await get("/api/health");
    expect(health.body.runRecorder).toMatchObject({ dropped: 0 });
  });

  it("the seeded examples produce their test cases' expected outputs", async () => {
    const rules = (await get("/api/rules")).body.rules as { id: string; name: string }[];
    for (const name of ["Order discount", "Loan eligibility"]) {
      const rule = rules.find((r) => r.name === name)!;
      const [testCase] = (await get(`/api/rules/${rule.id}/test-cases`)).body.testCases;
      const res = await execute(rule.id, { input: testCase.input });
      expect({ name, outcome: res.body.outcome, output: res.body.output }).toEqual({ name, outcome: "ok", output: testCase.expectedOutput });
    }
  });

  it("archiving keeps the history; executing an archived rule is a 409", async () => {
    const id = await createRule({ source: OK_SOURCE });
    const run = await execute(id, { input: { n: 1 } });
    await del(`/api/rules/${id}`);
    expect(await execute(id, { input: { n: 1 } })).toMatchObject({
      status: 409,
      body: { error: { code: "conflict", message: `rule ${id} is archived; restore it to execute it` } },
    });
    const history = await get(`/api/rules/${id}/runs`);
    expect(history.body.runs.map((r: { id: string }) => r.id)).toEqual([run.body.runId]);
    expect((await get(`/api/runs/${run.body.runId}`)).status).toBe(200);
  });
});

describe("health and limits", () => {
  it("GET /api/health reports the database and the executor", async () => {
    const res = await get("/api/health");
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: "ok", db: "ok", executor: expect.any(Object) });
  });

  it("GET /api/limits gives defaults and caps", async () => {
    const res = await get("/api/limits");
    expect(res.body).toEqual({
      defaults: { timeoutMs: 1000, memoryMb: 64, maxOutputBytes: 65536, maxLogBytes: 16384 },
      caps: { timeoutMs: 10000, memoryMb: 256, maxOutputBytes: 1048576, maxLogBytes: 262144 },
    });
  });

  it("POST /api/analyze returns diagnostics", async () => {
    const res = await post("/api/analyze", { source: BLOCKED_SOURCE });
    expect(res.status).toBe(200);
    expect(res.body.diagnostics.length).toBeGreaterThan(0);
  });
});
