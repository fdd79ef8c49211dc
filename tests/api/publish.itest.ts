// Safe change: a rule's live (published) version is separate from its saved ones. Saving never
// changes what callers get; publishing (and rolling back, which is publishing an earlier version)
// does, at once, and every move is listed by GET /api/rules/:id/deployments.
import { inject } from "vitest";
import { describe, expect, it } from "vitest";
import { call, createRule, del, execute, executeBatch, get, post, publishRule } from "../harness/api";

const source = (n: number) => `export default (input) => ({ v: ${n}, n: input?.n ?? null });`;

async function saveVersion(ruleId: string, n: number): Promise<void> {
  const saved = await post(`/api/rules/${ruleId}/versions`, { source: source(n), language: "javascript", message: `v${n}` });
  expect(saved.status).toBe(201);
}

describe("published version", () => {
  it("refuses to execute a rule that was never published, unless a version is pinned", async () => {
    const ruleId = await createRule({ source: source(1), language: "javascript" }, { publish: false });
    expect((await get(`/api/rules/${ruleId}`)).body.rule).toMatchObject({ publishedVersion: null, latestVersion: { number: 1 } });
    const refused = await execute(ruleId, { input: { n: 1 } });
    expect(refused).toMatchObject({ status: 409, body: { error: { code: "conflict", message: expect.stringMatching(/not published/), details: { reason: "not_published" } } } });
    const batch = await executeBatch(ruleId, { inputs: [{ n: 1 }] });
    expect(batch).toMatchObject({ status: 409, body: { error: { code: "conflict", details: { reason: "not_published" } } } });
    expect((await execute(ruleId, { input: { n: 1 }, version: 1 })).body).toMatchObject({ outcome: "ok", output: { v: 1 }, version: 1 });
    expect((await get(`/api/rules/${ruleId}/runs`)).body.runs).toHaveLength(1);
  });

  it("runs only what was published: saving changes nothing, publishing and rolling back change it at once", async () => {
    const ruleId = await createRule({ source: source(1), language: "javascript" }, { publish: false });
    const first = await post(`/api/rules/${ruleId}/publish`, { version: 1, message: "first release" });
    expect(first).toMatchObject({ status: 200, body: { deployment: { ruleId, fromVersion: null, toVersion: 1, message: "first release", actor: inject("admin").email }, rule: { publishedVersion: 1 } } });
    await saveVersion(ruleId, 2);
    expect((await execute(ruleId, { input: { n: 1 } })).body).toMatchObject({ output: { v: 1 }, version: 1 });
    await publishRule(ruleId, 2, "ship v2");
    expect((await execute(ruleId, { input: { n: 2 } })).body).toMatchObject({ output: { v: 2 }, version: 2 });
    expect((await executeBatch(ruleId, { inputs: [{ n: 3 }] })).body).toMatchObject({ version: 2, results: [{ output: { v: 2 } }] });
    await publishRule(ruleId, 1, "roll back: v2 misprices");
    expect((await execute(ruleId, { input: { n: 4 } })).body).toMatchObject({ output: { v: 1 }, version: 1 });

    const deployments = await get(`/api/rules/${ruleId}/deployments`);
    expect(deployments.status).toBe(200);
    expect(deployments.body.publishedVersion).toBe(1);
    expect(deployments.body.deployments.map((d: { fromVersion: number | null; toVersion: number; message: string }) => [d.fromVersion, d.toVersion, d.message])).toEqual([
      [2, 1, "roll back: v2 misprices"],
      [1, 2, "ship v2"],
      [null, 1, "first release"],
    ]);
    const listed = (await get(`/api/rules?q=${encodeURIComponent((await get(`/api/rules/${ruleId}`)).body.rule.name)}`)).body.rules;
    expect(listed).toMatchObject([{ id: ruleId, publishedVersion: 1, latestVersion: 2 }]);
  });

  it("refuses bad publishes with the error envelope and moves nothing", async () => {
    const ruleId = await createRule({ source: source(1), language: "javascript" });
    const cases: [unknown, number, string, RegExp?][] = [
      [{ version: 9 }, 404, "not_found", /version 9 of rule/],
      [{ version: 1 }, 409, "conflict", /already live/],
      [{}, 422, "validation_failed"],
      [{ version: 0 }, 422, "validation_failed"],
      [{ version: "2" }, 422, "validation_failed"],
      [{ version: 1, message: "x".repeat(501) }, 422, "validation_failed"],
      [{ version: 1, extra: true }, 422, "validation_failed"],
    ];
    for (const [body, status, code, message] of cases) {
      const res = await post(`/api/rules/${ruleId}/publish`, body);
      expect(res.status, JSON.stringify(body)).toBe(status);
      expect(res.body.error.code).toBe(code);
      if (message) expect(res.body.error.message).toMatch(message);
    }
    expect((await call("POST", `/api/rules/${ruleId}/publish`, "{ not json")).status).toBe(400);
    expect((await post("/api/rules/no-such-rule/publish", { version: 1 })).status).toBe(404);
    expect((await get("/api/rules/no-such-rule/deployments")).status).toBe(404);
    expect((await get(`/api/rules/${ruleId}/deployments`)).body.deployments).toHaveLength(1);

    await saveVersion(ruleId, 2);
    expect((await del(`/api/rules/${ruleId}`)).status).toBe(200);
    const archived = await post(`/api/rules/${ruleId}/publish`, { version: 2 });
    expect(archived).toMatchObject({ status: 409, body: { error: { code: "conflict", message: expect.stringMatching(/archived/) } } });
    expect((await get(`/api/rules/${ruleId}`)).body.rule.publishedVersion).toBe(1);
  });

  it("serialises concurrent publishes: every deployment starts where the previous one ended", async () => {
    const ruleId = await createRule({ source: source(1), language: "javascript" });
    await saveVersion(ruleId, 2);
    await saveVersion(ruleId, 3);
    const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => post(`/api/rules/${ruleId}/publish`, { version: (i % 3) + 1, message: `race ${i}` })));
    for (const answer of answers) expect([200, 409]).toContain(answer.status);
    const { deployments, publishedVersion } = (await get(`/api/rules/${ruleId}/deployments`)).body as { publishedVersion: number; deployments: { fromVersion: number | null; toVersion: number }[] };
    expect(deployments.length).toBe(1 + answers.filter((a) => a.status === 200).length);
    const chain = [...deployments].reverse();
    for (let i = 1; i < chain.length; i++) expect(chain[i]!.fromVersion).toBe(chain[i - 1]!.toVersion);
    expect(publishedVersion).toBe(chain.at(-1)!.toVersion);
    expect((await execute(ruleId, { input: null })).body.version).toBe(publishedVersion);
  });

  it("publishes the example rules created on the first start", async () => {
    const examples = (await get("/api/rules")).body.rules.filter((r: { name: string }) => /discount|eligibility/i.test(r.name));
    expect(examples.length).toBeGreaterThan(0);
    for (const rule of examples) expect(rule.publishedVersion).toBe(1);
  });
});
