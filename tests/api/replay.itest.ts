// What-if replay (server/http/replay.ts): recorded execute inputs, with their recorded clocks,
// through a candidate and through the live version; what changed, paged; never production runs.
import { describe, expect, it } from "vitest";
import { createRule, execute, get, post } from "../harness/api";

const PRICING = `export default (input, ctx) => ({ price: input.qty * 10, day: new Date(ctx.now).toISOString().slice(0, 10) });`;
const CHEAPER_FOR_BULK = `export default (input, ctx) => {
  if (input.qty < 0) throw new RangeError("negative quantity");
  return { price: input.qty >= 5 ? input.qty * 9 : input.qty * 10, day: new Date(ctx.now).toISOString().slice(0, 10) };
};`;

async function recordTraffic(ruleId: string, quantities: number[]): Promise<void> {
  for (const qty of quantities) expect((await execute(ruleId, { input: { qty } })).status).toBe(200);
}

describe("POST /api/rules/:id/replay", () => {
  it("replays recorded inputs through unsaved source and the live version, and says what changed", async () => {
    const ruleId = await createRule({ source: PRICING, language: "javascript" });
    await recordTraffic(ruleId, [1, 2, 5, 7, -1, 3]);
    const historyBefore = (await get(`/api/rules/${ruleId}/runs?limit=100`)).body.runs.length;

    const res = await post(`/api/rules/${ruleId}/replay`, { candidate: { source: CHEAPER_FOR_BULK, language: "javascript" } });
    expect(res.status).toBe(200);
    const summary = res.body;
    expect(summary).toMatchObject({ live: { version: 1 }, candidate: { source: "unsaved" }, inputs: 6, inputsLeftOut: 0, replayed: 6, notRun: 0, complete: true, changed: 3, unchanged: 3 });
    expect(summary.outcomeChanges).toEqual({ "ok → error": 1 });
    expect(summary.durations.live).toMatchObject({ count: 6 });
    expect(summary.durations.candidate.p50).toBeGreaterThanOrEqual(0);
    expect(summary.changes.total).toBe(3);
    // Newest first, as recorded: -1 (error), 7, 5.
    const [negative, seven, five] = summary.changes.items;
    expect(negative).toMatchObject({ input: { qty: -1 }, live: { outcome: "ok", output: { price: -10 } }, candidate: { outcome: "error", error: { name: "RangeError" } }, diff: [] });
    expect(seven).toMatchObject({ input: { qty: 7 }, diff: [{ path: "$.price", live: 70, candidate: 63 }] });
    expect(five.diff).toEqual([{ path: "$.price", live: 50, candidate: 45 }]);
    // The recorded clock is replayed: both sides saw the day the run was recorded.
    expect(seven.live.output.day).toBe(seven.candidate.output.day);

    // Replays are never production runs.
    expect((await get(`/api/rules/${ruleId}/runs?limit=100`)).body.runs.length).toBe(historyBefore);
  });

  it("replays a saved version, pages the changed runs and bounds the inputs", async () => {
    const ruleId = await createRule({ source: PRICING, language: "javascript" });
    expect((await post(`/api/rules/${ruleId}/versions`, { source: CHEAPER_FOR_BULK, language: "javascript", message: "bulk" })).status).toBe(201);
    await recordTraffic(ruleId, [5, 6, 7, 8, 1]);
    const page = await post(`/api/rules/${ruleId}/replay`, { candidate: { version: 2 }, changesOffset: 1, changesLimit: 2 });
    expect(page.body).toMatchObject({ candidate: { version: 2 }, changed: 4, changes: { offset: 1, limit: 2, total: 4 } });
    expect(page.body.changes.items.map((i: { input: { qty: number } }) => i.input.qty)).toEqual([7, 6]);
    const lastTwo = await post(`/api/rules/${ruleId}/replay`, { candidate: { version: 2 }, last: 2 });
    expect(lastTwo.body).toMatchObject({ inputs: 2, changed: 1 });
    const future = await post(`/api/rules/${ruleId}/replay`, { candidate: { version: 2 }, since: new Date(Date.now() + 60_000).toISOString() });
    expect(future.body).toMatchObject({ inputs: 0, replayed: 0, changed: 0, complete: true });
    const same = await post(`/api/rules/${ruleId}/replay`, { candidate: { version: 1 } });
    expect(same.body).toMatchObject({ inputs: 5, changed: 0, unchanged: 5 });
  });

  it("refuses what it cannot replay with the error envelope", async () => {
    const unpublished = await createRule({ source: PRICING, language: "javascript" }, { publish: false });
    expect(await post(`/api/rules/${unpublished}/replay`, { candidate: { version: 1 } })).toMatchObject({ status: 409, body: { error: { code: "conflict", details: { reason: "not_published" } } } });
    const ruleId = await createRule({ source: PRICING, language: "javascript" });
    const cases: [unknown, number, string][] = [
      [{ candidate: { version: 9 } }, 404, "not_found"],
      [{}, 422, "validation_failed"],
      [{ candidate: {} }, 422, "validation_failed"],
      [{ candidate: { version: 1 }, last: 10_001 }, 422, "validation_failed"],
      [{ candidate: { version: 1 }, last: 0 }, 422, "validation_failed"],
      [{ candidate: { version: 1 }, since: "yesterday" }, 422, "validation_failed"],
      [{ candidate: { version: 1 }, changesLimit: 101 }, 422, "validation_failed"],
      [{ candidate: { source: "export default () => 1", language: "cobol" } }, 422, "validation_failed"],
    ];
    for (const [body, status, code] of cases) {
      const res = await post(`/api/rules/${ruleId}/replay`, body);
      expect({ body, status: res.status, code: res.body.error?.code }).toEqual({ body, status, code });
    }
    expect((await post("/api/rules/no-such-rule/replay", { candidate: { version: 1 } })).status).toBe(404);
    // A candidate the static check refuses is a run outcome, as anywhere else: here, every run changed.
    await recordTraffic(ruleId, [1]);
    const blocked = await post(`/api/rules/${ruleId}/replay`, { candidate: { source: "export default () => process.exit(1);", language: "javascript" } });
    expect(blocked.body).toMatchObject({ changed: 1, outcomeChanges: { "ok → blocked": 1 } });
  });
});
