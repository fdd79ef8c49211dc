// Exact replay of one recorded run (server/http/run-replay.ts): the code it ran, its input and its
// recorded clock through the executor again; identical, or the differing paths and a hint.
import { describe, expect, it } from "vitest";
import { inject } from "vitest";
import { call, createRule, execute, get, post } from "../harness/api";
import { queryRows } from "../harness/db";

// Every clock the sandbox offers, to the millisecond: only the recorded clock replays this.
const CLOCKED = `import dayjs from "dayjs";
export default (input, ctx) => ({ total: input.qty * 10, now: ctx.now, date: new Date().toISOString(), ms: Date.now(), day: dayjs().format() });`;
const RANDOM = "export default (input) => ({ qty: input.qty, pick: Math.random() });";
const THROWING = "export default (input) => { throw new RangeError(`no ${input.qty}`); };";

const replay = (runId: string) => post(`/api/runs/${runId}/replay`);

async function historyLength(ruleId: string): Promise<number> {
  return (await get(`/api/rules/${ruleId}/runs?limit=100`)).body.runs.length;
}

describe("POST /api/runs/:id/replay", () => {
  it("replays an execute run identically: same version, input and recorded clock; never recorded", async () => {
    const ruleId = await createRule({ source: CLOCKED, language: "javascript" });
    const executed = await execute(ruleId, { input: { qty: 3 } });
    expect(executed.body.runId).toEqual(expect.any(String));
    await new Promise((resolve) => setTimeout(resolve, 20)); // the wall clock moves on; the replay's must not
    const before = await historyLength(ruleId);

    const res = await replay(executed.body.runId);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      run: { id: executed.body.runId, version: 1, outcome: "ok", output: executed.body.output },
      replay: { outcome: "ok", output: executed.body.output, durationMs: expect.any(Number) },
      identical: true,
      differences: [],
    });
    expect(res.body.replay.output.ms).toBe(executed.body.clock);
    // `{}` is the same request; a POST without a JSON content type is refused like every other (CSRF).
    expect((await call("POST", `/api/runs/${executed.body.runId}/replay`, {})).body.identical).toBe(true);
    expect((await call("POST", `/api/runs/${executed.body.runId}/replay`)).body).toMatchObject({ error: { code: "forbidden", details: { reason: "not_json" } } });
    expect(await historyLength(ruleId)).toBe(before);
  });

  it("replays an editor run with the source that ran, not the version it was edited from", async () => {
    const ruleId = await createRule({ source: CLOCKED, language: "javascript" });
    const edited = CLOCKED.replace("input.qty * 10", "input.qty * 7");
    const ran = await post("/api/run", { source: edited, language: "javascript", input: { qty: 2 }, ruleId, version: 1 });
    expect(ran.body).toMatchObject({ outcome: "ok", output: { total: 14 }, runId: expect.any(String) });
    const res = await replay(ran.body.runId);
    expect(res.body).toMatchObject({ run: { version: 1, output: ran.body.output }, replay: { outcome: "ok", output: ran.body.output }, identical: true, differences: [] });

    // A failure replays as the same outcome with the same error.
    const threw = await post("/api/run", { source: THROWING, language: "javascript", input: { qty: 4 }, ruleId });
    expect(await replay(threw.body.runId)).toMatchObject({
      status: 200,
      body: { run: { version: null, outcome: "error", error: { name: "RangeError", message: "no 4" } }, replay: { outcome: "error", error: { name: "RangeError", message: "no 4" } }, identical: true },
    });
  });

  it("shows where a rule using Math.random differs, and says why", async () => {
    const ruleId = await createRule({ source: RANDOM, language: "javascript" });
    const executed = await execute(ruleId, { input: { qty: 1 } });
    const res = await replay(executed.body.runId);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ identical: false, run: { output: executed.body.output } });
    expect(res.body.differences).toEqual([{ path: "$.pick", recorded: executed.body.output.pick, replayed: res.body.replay.output.pick }]);
    expect(res.body.hint).toContain("Math.random");
  });

  it("refuses what it cannot replay with the error envelope", async () => {
    const ruleId = await createRule({ source: CLOCKED, language: "javascript" });
    const ran = await post("/api/run", { source: CLOCKED, language: "javascript", input: { qty: 1 }, ruleId });
    // Every run recorded today keeps its source or its version; a row with neither says nothing of what ran.
    const runId = String(ran.body.runId);
    const cleared = await queryRows(inject("databaseUrl"), `UPDATE "Run" SET "source" = NULL, "versionNumber" = NULL WHERE "id" = '${runId.replace(/[^A-Za-z0-9_-]/g, "")}' RETURNING "id"`);
    expect(cleared).toHaveLength(1);

    const cases: [string, number, unknown][] = [
      [runId, 409, { code: "conflict", message: `run ${runId} cannot be replayed exactly: it was recorded with neither its source nor a saved version`, details: { reason: "not_replayable" } }],
      ["no-such-run", 404, { code: "not_found", message: "run no-such-run not found" }],
    ];
    for (const [id, status, error] of cases) {
      const res = await replay(id);
      expect({ id, status: res.status, body: res.body }).toEqual({ id, status, body: { error } });
    }
    expect((await replay("not%20an%20id")).body.error.code).toBe("validation_failed");
  });
});
