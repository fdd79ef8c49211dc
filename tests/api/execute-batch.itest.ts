// POST /api/rules/:id/execute/batch: one saved version run on many inputs in one request, answered
// in input order, each run recorded like a single execute; the same key, lookup and limits rules.
import { describe, expect, it } from "vitest";
import { call, createRule, del, execute, executeBatch, get, post, publishRule } from "../harness/api";

const DOUBLER = `export default function rule(input, ctx) {
  if (typeof input.n !== "number") throw new TypeError("n must be a number");
  return { doubled: input.n * 2, ruleId: ctx.ruleId, version: ctx.version };
}
`;

interface Entry {
  outcome?: string;
  output?: { doubled: number; ruleId?: string; version?: number };
  error?: { name: string; message: string };
  runId?: string | null;
  version?: number;
  refused?: { code: string; message: string };
}

describe("execute batch", () => {
  it("answers every input in order, each with its own outcome and recorded run", async () => {
    const ruleId = await createRule({ source: DOUBLER, language: "javascript" });
    const res = await executeBatch<{ version: number; results: Entry[] }>(ruleId, { inputs: [{ n: 1 }, { n: "x" }, { n: 3 }] });
    expect(res.status).toBe(200);
    expect(res.body.version).toBe(1);
    const [first, second, third] = res.body.results;
    expect(first).toMatchObject({ outcome: "ok", output: { doubled: 2, ruleId, version: 1 }, version: 1 });
    expect(second).toMatchObject({ outcome: "error", error: { name: "TypeError", message: "n must be a number" }, version: 1 });
    expect(third).toMatchObject({ outcome: "ok", output: { doubled: 6 } });
    const runIds = res.body.results.map((r) => r.runId);
    expect(new Set(runIds).size).toBe(3);
    for (const id of runIds) expect(id).toEqual(expect.any(String));

    // Reading the history flushes the execute-path recorder: all three are there, as api runs.
    const history = await get<{ runs: { id: string; outcome: string; source: string; version: number }[] }>(`/api/rules/${ruleId}/runs?limit=10`);
    expect(history.status).toBe(200);
    expect(history.body.runs.map((r) => r.id).sort()).toEqual([...runIds].sort());
    expect(history.body.runs.every((r) => r.source === "api" && r.version === 1)).toBe(true);
    const recorded = await get(`/api/runs/${second!.runId}`);
    expect(recorded.body.run).toMatchObject({ outcome: "error", input: { n: "x" } });
  });

  it("keeps input order across concurrent runs of a large batch", async () => {
    const ruleId = await createRule({ source: DOUBLER, language: "javascript" });
    const inputs = Array.from({ length: 300 }, (_, n) => ({ n }));
    const res = await executeBatch<{ results: Entry[] }>(ruleId, { inputs });
    expect(res.status).toBe(200);
    expect(res.body.results.map((r) => r.output?.doubled)).toEqual(inputs.map(({ n }) => n * 2));
  });

  it("runs a pinned version, and sees a newly published one at once", async () => {
    const ruleId = await createRule({ source: DOUBLER, language: "javascript" });
    const saved = await post(`/api/rules/${ruleId}/versions`, { source: DOUBLER.replace("input.n * 2", "input.n * 3"), language: "javascript", message: "triple" });
    expect(saved.status).toBe(201);
    await publishRule(ruleId, 2);
    const latest = await executeBatch<{ version: number; results: Entry[] }>(ruleId, { inputs: [{ n: 1 }] });
    expect(latest.body).toMatchObject({ version: 2, results: [{ output: { doubled: 3, version: 2 } }] });
    const pinned = await executeBatch<{ version: number; results: Entry[] }>(ruleId, { inputs: [{ n: 1 }], version: 1 });
    expect(pinned.body).toMatchObject({ version: 1, results: [{ output: { doubled: 2, version: 1 } }] });
  });

  it("gives a single execute the same context: the rule's id and the version run", async () => {
    const ruleId = await createRule({ source: DOUBLER, language: "javascript" });
    expect((await execute(ruleId, { input: { n: 5 } })).body).toMatchObject({ outcome: "ok", output: { doubled: 10, ruleId, version: 1 } });
  });

  it("refuses bad requests with the error envelope and runs nothing", async () => {
    const ruleId = await createRule({ source: DOUBLER, language: "javascript" });
    const cases: { body: unknown; status: number; code: string; message?: RegExp }[] = [
      { body: {}, status: 422, code: "validation_failed", message: /inputs/ },
      { body: { inputs: [] }, status: 422, code: "validation_failed", message: /at least one input/ },
      { body: { inputs: Array.from({ length: 1001 }, () => 1) }, status: 422, code: "validation_failed", message: /at most 1000/ },
      { body: { inputs: [1], extra: true }, status: 422, code: "validation_failed" },
      { body: { inputs: [1], version: 0 }, status: 422, code: "validation_failed" },
      { body: { inputs: 5 }, status: 422, code: "validation_failed" },
      { body: { inputs: [1, "x".repeat(1024 * 1024 + 1)] }, status: 413, code: "payload_too_large", message: /inputs\[1\]/ },
      { body: { inputs: [1], version: 7 }, status: 404, code: "not_found" },
      { body: "{ not json", status: 400, code: "bad_json" },
    ];
    for (const c of cases) {
      const res = await executeBatch(ruleId, c.body);
      expect(res.status, JSON.stringify(c.body).slice(0, 80)).toBe(c.status);
      expect(res.body.error.code).toBe(c.code);
      expect(res.body.error.message).toEqual(expect.any(String));
      if (c.message) expect(res.body.error.message).toMatch(c.message);
    }
    const tooLarge = await executeBatch(ruleId, { inputs: [1, "x".repeat(1024 * 1024 + 1)] });
    expect(tooLarge.body.error.details).toMatchObject({ field: "inputs[1]", limitBytes: 1024 * 1024 });
    // Exactly 1 MiB: accepted as one item, as /execute accepts it as its input.
    const atLimit = "x".repeat(1024 * 1024);
    const other = await createRule({ source: DOUBLER, language: "javascript" });
    expect((await executeBatch(other, { inputs: [atLimit] })).status).toBe(200);
    expect((await execute(other, { input: atLimit })).status).toBe(200);
    expect((await executeBatch("no-such-rule", { inputs: [1] })).status).toBe(404);
    expect((await del(`/api/rules/${ruleId}`)).status).toBe(200);
    const archived = await executeBatch(ruleId, { inputs: [{ n: 1 }] });
    expect(archived.status).toBe(409);
    expect((await get(`/api/rules/${ruleId}/runs?limit=10`)).body.runs).toEqual([]);
  });

  it("refuses, before running anything, a batch whose answer could outgrow 128 MiB under the rule's limits", async () => {
    const big = await createRule({ source: DOUBLER, language: "javascript", limits: { maxOutputBytes: 1024 * 1024, maxLogBytes: 256 * 1024 } });
    const res = await executeBatch(big, { inputs: Array.from({ length: 1000 }, () => ({ n: 1 })) });
    expect(res.status).toBe(422);
    expect(res.body.error.message).toMatch(/send at most 101 inputs per request/);
    expect((await get(`/api/rules/${big}/runs?limit=10`)).body.runs).toEqual([]);
    expect((await executeBatch(big, { inputs: Array.from({ length: 100 }, () => ({ n: 1 })) })).status).toBe(200);
  });

  it("needs a valid API key", async () => {
    const ruleId = await createRule({ source: DOUBLER, language: "javascript" });
    for (const headers of [{}, { authorization: "Bearer rbx_not-a-key" }] as Record<string, string>[]) {
      const res = await call("POST", `/api/rules/${ruleId}/execute/batch`, { inputs: [{ n: 1 }] }, headers);
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe("unauthorized");
    }
    expect((await get(`/api/rules/${ruleId}/runs?limit=10`)).body.runs).toEqual([]);
  });
});
