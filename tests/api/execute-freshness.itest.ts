// POST /api/rules/:id/execute resolves rules through an in-process cache (server/db/executable.ts):
// a write in this app process must be visible to the very next execute, never after a TTL.
import { describe, expect, it } from "vitest";
import { createRule, del, execute, post, publishRule } from "../harness/api";

const versionSource = (n: number) => `export default function rule() {\n  return { v: ${n} };\n}\n`;

describe("execute sees every change at once", () => {
  it("runs a newly published version, refuses an archived rule, and runs it again once restored", async () => {
    const ruleId = await createRule({ source: versionSource(1), language: "javascript" });
    expect((await execute(ruleId, { input: null })).body).toMatchObject({ outcome: "ok", output: { v: 1 }, version: 1 });
    // Hot: the same answer again, from the cache.
    expect((await execute(ruleId, { input: null })).body).toMatchObject({ output: { v: 1 }, version: 1 });

    const saved = await post(`/api/rules/${ruleId}/versions`, { source: versionSource(2), language: "javascript", message: "two" });
    expect(saved.status).toBe(201);
    // Saving changes nothing for callers; publishing does, at once.
    expect((await execute(ruleId, { input: null })).body).toMatchObject({ output: { v: 1 }, version: 1 });
    await publishRule(ruleId, 2);
    expect((await execute(ruleId, { input: null })).body).toMatchObject({ output: { v: 2 }, version: 2 });
    // A pinned version stays what it was saved as.
    expect((await execute(ruleId, { input: null, version: 1 })).body).toMatchObject({ output: { v: 1 }, version: 1 });
    expect((await execute(ruleId, { input: null, version: 3 })).status).toBe(404);

    expect((await del(`/api/rules/${ruleId}`)).status).toBe(200);
    const archived = await execute(ruleId, { input: null });
    expect(archived.status).toBe(409);
    expect(archived.body.error.message).toMatch(/archived/);

    expect((await post(`/api/rules/${ruleId}/restore`)).status).toBe(200);
    expect((await execute(ruleId, { input: null })).body).toMatchObject({ output: { v: 2 }, version: 2 });
  });

  it("answers 404 for an unknown rule, also when asked twice", async () => {
    for (let i = 0; i < 2; i++) expect((await execute("no-such-rule", { input: null })).status).toBe(404);
  });
});
