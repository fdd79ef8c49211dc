// A database failure in the middle of a save: a clear error, and no partial version left behind.
import { afterEach, describe, expect, it } from "vitest";
import { createRule, get, post } from "../harness/api";
import { clearRuleUpdateFault, injectRuleUpdateFault } from "../harness/db";

describe("database fault during a save", () => {
  afterEach(() => clearRuleUpdateFault());

  it("answers 500 with a clear message, leaves no partial version, and numbering continues without a gap", async () => {
    const id = await createRule({ source: "export default () => 1" });
    // A save writes the version row first, then the rule's updatedAt: failing the second statement
    // proves the first is rolled back with it.
    await injectRuleUpdateFault(id);

    const failed = await post(`/api/rules/${id}/versions`, { source: "export default () => 2", language: "javascript" });
    expect(failed.status).toBe(500);
    expect(failed.body).toEqual({ error: { code: "internal", message: expect.stringMatching(/^the database failed; nothing was changed \(ref [0-9a-f-]{36}\)$/) } });
    expect(JSON.stringify(failed.body)).not.toContain("injected fault");
    expect((await get(`/api/rules/${id}/versions`)).body.versions.map((v: { number: number }) => v.number)).toEqual([1]);

    await clearRuleUpdateFault();
    const saved = await post(`/api/rules/${id}/versions`, { source: "export default () => 2", language: "javascript" });
    expect(saved.status).toBe(201);
    expect(saved.body.version.number).toBe(2);
  });
});
