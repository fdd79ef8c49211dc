// API keys guard POST /api/rules/:id/execute: shown once, stored hashed, revocable; a refused
// request never reaches the executor and leaves no run record.
import { createHash, randomBytes } from "node:crypto";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { inject } from "vitest";
import { call, createApiKey, createRule, del, execute, get, post, uniqueName } from "../harness/api";
import { queryRows } from "../harness/db";

const sha256 = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");
const SOURCE = "export default (input) => ({ twice: input.n * 2 })";

let ruleId = "";
beforeAll(async () => {
  ruleId = await createRule({ source: SOURCE });
});

/** Runs recorded for the rule (reading runs flushes the execute-path recorder first). */
async function recordedRuns(id: string): Promise<number> {
  const res = await get(`/api/rules/${id}/runs?limit=100`);
  expect(res.status).toBe(200);
  return res.body.runs.length;
}

/** Every run the executor has answered so far (from /api/health). */
async function executorRuns(): Promise<number> {
  const health = await get("/api/health");
  return Object.values(health.body.executor.runsByOutcome as Record<string, number>).reduce((a, b) => a + b, 0);
}

describe("creating and listing keys", () => {
  it("shows the secret once and stores only its SHA-256", async () => {
    const name = uniqueName("key");
    const res = await post("/api/keys", { name });
    expect(res.status).toBe(201);
    const { key, secret } = res.body as { key: Record<string, unknown>; secret: string };
    expect(secret).toMatch(/^rbx_[A-Za-z0-9_-]{43}$/);
    expect(key).toEqual({ id: expect.any(String), name, prefix: secret.slice(0, 12), createdAt: expect.any(String), lastUsedAt: null, revokedAt: null, ownerId: expect.any(String), ownerEmail: inject("admin").email, ruleIds: null });

    const rows = await queryRows<Record<string, unknown>>(inject("databaseUrl"), `SELECT * FROM "ApiKey" WHERE "id" = '${String(key.id)}'`);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.hash).toBe(sha256(secret));
    for (const [column, value] of Object.entries(rows[0]!)) {
      expect(String(value).includes(secret.slice(12)), `column ${column} holds the secret`).toBe(false);
    }

    const list = await get("/api/keys");
    expect(list.status).toBe(200);
    const listed = (list.body.keys as Record<string, unknown>[]).find((k) => k.id === key.id);
    expect(listed).toEqual(key);
    const text = JSON.stringify(list.body);
    expect(text).not.toContain(secret);
    expect(text).not.toContain(sha256(secret));
    expect(list.body.keys.every((k: object) => !("hash" in k) && !("secret" in k))).toBe(true);
  });

  it("validates the body and the id like every other route", async () => {
    const cases: [string, string, unknown, number, string][] = [
      ["POST", "/api/keys", {}, 422, "validation_failed"],
      ["POST", "/api/keys", { name: "  " }, 422, "validation_failed"],
      ["POST", "/api/keys", { name: "x".repeat(101) }, 422, "validation_failed"],
      ["POST", "/api/keys", { name: "ok", scopes: ["all"] }, 422, "validation_failed"],
      ["POST", "/api/keys", "{", 400, "bad_json"],
      ["DELETE", `/api/keys/${"x".repeat(65)}`, undefined, 422, "validation_failed"],
      ["DELETE", "/api/keys/no-such-key", undefined, 404, "not_found"],
    ];
    for (const [method, path, body, status, code] of cases) {
      const res = await call(method, path, body);
      expect({ where: `${method} ${path} ${JSON.stringify(body)}`, status: res.status, code: res.body?.error?.code }).toEqual({ where: `${method} ${path} ${JSON.stringify(body)}`, status, code });
    }
  });
});

describe("the execute endpoint", () => {
  it("refuses missing, malformed, unknown and other-scheme credentials with 401 and a Bearer challenge", async () => {
    const unknownKey = `rbx_${randomBytes(32).toString("base64url")}`;
    const cases: [string, Record<string, string>, string][] = [
      ["no credentials", {}, "an API key is required: send Authorization: Bearer <key> (or X-API-Key: <key>)"],
      ["a malformed key", { authorization: "Bearer nope" }, "the API key is invalid or has been revoked"],
      ["an unknown key", { authorization: `Bearer ${unknownKey}` }, "the API key is invalid or has been revoked"],
      ["an unknown X-API-Key", { "x-api-key": unknownKey }, "the API key is invalid or has been revoked"],
      ["Basic auth", { authorization: "Basic dXNlcjpwYXNz" }, "the API key is invalid or has been revoked"],
    ];
    for (const [label, headers, message] of cases) {
      const res = await call("POST", `/api/rules/${ruleId}/execute`, { input: { n: 1 } }, headers);
      expect({ label, status: res.status, body: res.body }).toEqual({ label, status: 401, body: { error: { code: "unauthorized", message } } });
      expect(res.headers.get("www-authenticate")).toMatch(/^Bearer\b/);
    }
  });

  it("checks the key before the body: an invalid body without a key is still a 401", async () => {
    const res = await call("POST", `/api/rules/${ruleId}/execute`, "{ not json");
    expect(res.status).toBe(401);
    const missingRule = await call("POST", "/api/rules/does-not-exist/execute", { input: 1 });
    expect(missingRule.status).toBe(401);
  });

  it("runs with a valid key (Bearer or X-API-Key) and records when the key was last used", async () => {
    const { id, secret } = await createApiKey();
    const bearer = await execute(ruleId, { input: { n: 21 } }, secret);
    expect(bearer).toMatchObject({ status: 200, body: { outcome: "ok", output: { twice: 42 }, runId: expect.any(String), version: 1 } });
    const header = await call("POST", `/api/rules/${ruleId}/execute`, { input: { n: 2 } }, { "x-api-key": secret });
    expect(header).toMatchObject({ status: 200, body: { outcome: "ok", output: { twice: 4 } } });
    // lastUsedAt is written off the request path; poll the list until it shows.
    await vi.waitFor(async () => {
      const key = (await get("/api/keys")).body.keys.find((k: { id: string }) => k.id === id);
      expect(key.lastUsedAt).toEqual(expect.any(String));
    });
  });

  it("refused requests never reach the executor and create no run record", async () => {
    const id = await createRule({ source: SOURCE });
    const runsBefore = await recordedRuns(id);
    const executorBefore = await executorRuns();
    const answers = await Promise.all([
      call("POST", `/api/rules/${id}/execute`, { input: { n: 1 } }),
      call("POST", `/api/rules/${id}/execute`, { input: { n: 1 } }, { authorization: `Bearer rbx_${randomBytes(32).toString("base64url")}` }),
      call("POST", `/api/rules/${id}/execute`, { input: { n: 1 } }, { "x-api-key": "garbage" }),
    ]);
    expect(answers.map((a) => a.status)).toEqual([401, 401, 401]);
    expect(await recordedRuns(id)).toBe(runsBefore);
    expect(await executorRuns()).toBe(executorBefore);
  });

  it("a revoked key is refused at once; revoking again keeps the first revocation", async () => {
    const { id, secret } = await createApiKey();
    expect((await execute(ruleId, { input: { n: 1 } }, secret)).status).toBe(200);
    const revoked = await del(`/api/keys/${id}`);
    expect(revoked).toMatchObject({ status: 200, body: { key: { id, revokedAt: expect.any(String) } } });
    expect(revoked.body.key).not.toHaveProperty("hash");

    const runsBefore = await recordedRuns(ruleId);
    const refused = await execute(ruleId, { input: { n: 1 } }, secret);
    expect(refused).toMatchObject({ status: 401, body: { error: { code: "unauthorized", message: "the API key is invalid or has been revoked" } } });
    expect(await recordedRuns(ruleId)).toBe(runsBefore);

    const again = await del(`/api/keys/${id}`);
    expect(again).toMatchObject({ status: 200, body: { key: { id, revokedAt: revoked.body.key.revokedAt } } });
    const listed = (await get("/api/keys")).body.keys.find((k: { id: string }) => k.id === id);
    expect(listed.revokedAt).toBe(revoked.body.key.revokedAt);
  });
});
