// Rules: CRUD, archive/restore, seeded examples, and the error envelope of every failure class.
import { describe, expect, it } from "vitest";
import { call, createRule, del, get, patch, post, testApiKey, uniqueName } from "../harness/api";

const KiB = 1024;
const MiB = 1024 * KiB;

describe("seeded examples", () => {
  it("an empty database starts with two example rules, each with version 1 and a test case with an expectation", async () => {
    const list = await get("/api/rules");
    expect(list.status).toBe(200);
    const byName = new Map<string, { id: string; latestVersion: number; language: string }>(list.body.rules.map((r: { name: string }) => [r.name, r]));
    expect(byName.get("Order discount")).toMatchObject({ latestVersion: 1, language: "javascript", archived: false });
    expect(byName.get("Loan eligibility")).toMatchObject({ latestVersion: 1, language: "typescript", archived: false });
    for (const name of ["Order discount", "Loan eligibility"]) {
      const cases = await get(`/api/rules/${byName.get(name)!.id}/test-cases`);
      expect(cases.status).toBe(200);
      expect(cases.body.testCases).toHaveLength(1);
      expect(cases.body.testCases[0]).toHaveProperty("expectedOutput");
    }
  });
});

describe("rule CRUD", () => {
  it("creates a rule with version 1 from the given source and a Sample test case", async () => {
    const name = uniqueName("create");
    const res = await post("/api/rules", {
      name,
      description: "d",
      source: "export default function rule(input) { return input; }",
      language: "javascript",
      message: "first",
      limits: { timeoutMs: 500 },
      sampleInput: { a: 1 },
    });
    expect(res.status).toBe(201);
    expect(res.body.rule).toMatchObject({
      name,
      description: "d",
      archived: false,
      limits: { timeoutMs: 500 },
      latestVersion: { number: 1, message: "first", language: "javascript", source: "export default function rule(input) { return input; }", limits: { timeoutMs: 500, memoryMb: 64 } },
    });
    expect(res.body.rule.latestVersion.sha256).toMatch(/^[0-9a-f]{64}$/);
    const cases = await get(`/api/rules/${res.body.rule.id}/test-cases`);
    expect(cases.body.testCases).toEqual([expect.objectContaining({ name: "Sample", input: { a: 1 } })]);
    expect(cases.body.testCases[0]).not.toHaveProperty("expectedOutput");
  });

  it("creates a rule from the starter template of its language", async () => {
    const id = await createRule({ language: "typescript" });
    const res = await get(`/api/rules/${id}`);
    expect(res.body.rule.latestVersion).toMatchObject({ number: 1, language: "typescript" });
    expect(res.body.rule.latestVersion.source).toContain("export default function rule");
  });

  it("renames, describes and sets limits; the list and search follow", async () => {
    const id = await createRule();
    const name = uniqueName("renamed");
    const res = await patch(`/api/rules/${id}`, { name, description: "searchable-needle", limits: { memoryMb: 32 } });
    expect(res.status).toBe(200);
    expect(res.body.rule).toMatchObject({ id, name, description: "searchable-needle", limits: { memoryMb: 32 } });
    const found = await get(`/api/rules?q=${encodeURIComponent("searchable-needle")}`);
    expect(found.body.rules.map((r: { id: string }) => r.id)).toEqual([id]);
    // % and _ are characters to find, not wildcards: only names that contain them match.
    const under = await createRule({ name: uniqueName("under_score") });
    for (const q of ["_", "%", "e_s", "e%s"]) {
      const ids = (await get(`/api/rules?q=${encodeURIComponent(q)}`)).body.rules.map((r: { id: string; name: string }) => r.id);
      expect(ids.includes(id), `q=${q} matched a rule without it`).toBe(false);
      if (q === "_") expect(ids).toContain(under);
    }
  });

  it("archives instead of deleting: hidden from the list, still readable with its versions, restorable", async () => {
    const id = await createRule();
    expect((await post(`/api/rules/${id}/versions`, { source: "export default () => 2", language: "javascript" })).status).toBe(201);
    const archived = await del(`/api/rules/${id}`);
    expect(archived.status).toBe(200);
    expect(archived.body.rule).toMatchObject({ id, archived: true });
    expect((await get("/api/rules")).body.rules.some((r: { id: string }) => r.id === id)).toBe(false);
    expect((await get("/api/rules?includeArchived=1")).body.rules.find((r: { id: string }) => r.id === id)).toMatchObject({ archived: true, latestVersion: 2 });
    expect((await get(`/api/rules/${id}/versions`)).body.versions.map((v: { number: number }) => v.number)).toEqual([2, 1]);
    expect(await post(`/api/rules/${id}/versions`, { source: "export default () => 3", language: "javascript" })).toMatchObject({
      status: 409,
      body: { error: { code: "conflict", message: "rule is archived; restore it before saving a version" } },
    });
    const restored = await post(`/api/rules/${id}/restore`);
    expect(restored.body.rule).toMatchObject({ id, archived: false });
    expect((await get("/api/rules")).body.rules.some((r: { id: string }) => r.id === id)).toBe(true);
  });

  it("manages test cases: create, rename, clear the expectation, delete", async () => {
    const id = await createRule();
    const created = await post(`/api/rules/${id}/test-cases`, { name: "zero", input: { n: 0 }, expectedOutput: null });
    expect(created.status).toBe(201);
    expect(created.body.testCase).toMatchObject({ name: "zero", input: { n: 0 }, expectedOutput: null });
    const caseId = created.body.testCase.id;
    expect(await post(`/api/rules/${id}/test-cases`, { name: "zero", input: 1 })).toMatchObject({
      status: 409,
      body: { error: { code: "conflict", message: 'a test case named "zero" already exists for this rule' } },
    });
    const cleared = await patch(`/api/rules/${id}/test-cases/${caseId}`, { name: "renamed", clearExpectedOutput: true });
    expect(cleared.status).toBe(200);
    expect(cleared.body.testCase).toMatchObject({ name: "renamed", input: { n: 0 } });
    expect(cleared.body.testCase).not.toHaveProperty("expectedOutput");
    const empty = await patch(`/api/rules/${id}/test-cases/${caseId}`, {});
    expect(empty.status).toBe(422);
    expect(empty.body.error.message).toMatch(/nothing to change/);
    expect((await patch(`/api/rules/${id}/test-cases/${caseId}`, { input: null })).body.testCase).toMatchObject({ input: null });
    expect((await del(`/api/rules/${id}/test-cases/${caseId}`)).status).toBe(200);
    expect((await get(`/api/rules/${id}/test-cases`)).body.testCases).toEqual([]);
  });
});

describe("errors: one envelope, exact codes", () => {
  it("a duplicate name is a 409 on create and on rename", async () => {
    const name = uniqueName("taken");
    await createRule({ name });
    const other = await createRule();
    const expected = { error: { code: "conflict", message: `a rule named "${name}" already exists` } };
    expect(await post("/api/rules", { name })).toEqual({ status: 409, body: expected, headers: expect.anything() });
    expect(await patch(`/api/rules/${other}`, { name })).toEqual({ status: 409, body: expected, headers: expect.anything() });
  });

  it("a lone surrogate anywhere in a body is a 422 naming the field, and nothing is written", async () => {
    const id = await createRule();
    const name = uniqueName("lone");
    const cases: [string, string, string, (string | number)[]][] = [
      ["POST", "/api/rules", `{"name":"${name} \\ud800"}`, ["name"]],
      ["PATCH", `/api/rules/${id}`, `{"description":"x\\udc00y"}`, ["description"]],
      ["POST", `/api/rules/${id}/versions`, `{"source":"export default () => '\\ud800'","language":"javascript"}`, ["source"]],
      ["POST", "/api/run", `{"source":"export default (i) => i","input":{"a":["ok","\\ud83d"]},"ruleId":"${id}"}`, ["input", "a", 1]],
    ];
    for (const [method, path, raw, field] of cases) {
      const res = await call(method, path, raw);
      expect(res.status, `${method} ${path}`).toBe(422);
      expect(res.body.error).toMatchObject({ code: "validation_failed", details: [expect.objectContaining({ path: field, code: "invalid_unicode" })] });
    }
    // A well-formed pair (an emoji) is fine.
    expect((await call("POST", "/api/rules", `{"name":"${name} \\ud83d\\ude00"}`)).status).toBe(201);
    expect((await get(`/api/rules/${id}/versions`)).body.versions).toHaveLength(1);
    expect((await get("/api/rules?q=" + encodeURIComponent(name))).body.rules.map((r: { name: string }) => r.name)).toEqual([`${name} 😀`]);
  });

  it("a version number beyond a 32-bit integer is a 422, not a database error", async () => {
    const id = await createRule();
    const res = await call("POST", `/api/rules/${id}/execute`, { input: 1, version: 2 ** 31 }, { authorization: `Bearer ${await testApiKey()}` });
    expect(res.status).toBe(422);
    expect(res.body.error.details).toEqual([expect.objectContaining({ path: ["version"] })]);
  });

  const badJsonCases: [string, string, string][] = [
    ["POST", "/api/rules", "{not json"],
    ["POST", "/api/rules", ""],
    ["POST", "/api/run", "[1,"],
    ["PATCH", "/api/rules/anything", "{'single':'quotes'}"],
  ];
  it.each(badJsonCases)("%s %s with body %j is 400 bad_json", async (method, path, raw) => {
    const res = await call(method, path, raw);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: { code: "bad_json", message: expect.stringMatching(/^request body is (empty|not valid JSON)/) } });
  });

  const validationCases: [string, string, unknown, (string | number)[][]][] = [
    ["POST", "/api/rules", { name: "" }, [["name"]]],
    ["POST", "/api/rules", { name: "x", colour: "red" }, [[]]],
    ["POST", "/api/rules", { name: 5, language: "cobol" }, [["name"], ["language"]]],
    ["POST", "/api/rules", { name: "x", limits: { timeoutMs: -1 } }, [["limits", "timeoutMs"]]],
    ["POST", "/api/rules", { name: "x", limits: { timeoutMs: 10_000_000 } }, [["limits", "timeoutMs"]]],
    ["POST", "/api/rules", [], [[]]],
    ["POST", "/api/run", { source: "export default () => 1" }, [["input"]]],
    ["POST", "/api/run", { source: "", input: 1, version: 0 }, [["source"], ["version"]]],
    ["POST", "/api/analyze", { source: 1 }, [["source"]]],
    ["GET", "/api/rules?includeArchived=maybe", undefined, [["query", "includeArchived"]]],
    ["GET", "/api/rules?page=2", undefined, [["query"]]],
    ["GET", "/api/rules?q=a%00b", undefined, [["query", "q"]]],
    ["POST", "/api/rules", { name: "nul\u0000byte" }, [["name"]]],
    ["GET", "/api/rules/bad%00id", undefined, [["params", "id"]]],
  ];
  it.each(validationCases)("%s %s %j is 422 with the failing paths", async (method, path, body, paths) => {
    const res = await call(method, path, body);
    expect(res.status).toBe(422);
    expect(res.body).toEqual({
      error: {
        code: "validation_failed",
        message: expect.any(String),
        details: paths.map((p) => ({ path: p, message: expect.any(String), code: expect.any(String) })),
      },
    });
  });

  it("limits above a cap name the cap", async () => {
    const res = await post("/api/rules", { name: uniqueName(), limits: { memoryMb: 100_000 } });
    expect(res.body).toEqual({
      error: {
        code: "validation_failed",
        message: "memoryMb 100000 exceeds the server cap 256",
        details: [{ path: ["limits", "memoryMb"], message: "memoryMb 100000 exceeds the server cap 256", code: "limits" }],
      },
    });
  });

  it("route params and queries are validated too", async () => {
    const id = await createRule();
    const bad = [
      [`/api/rules/${id}/versions/0`, ["params", "n"]],
      [`/api/rules/${id}/versions/1.5`, ["params", "n"]],
      [`/api/rules/${id}/runs?limit=1000`, ["query", "limit"]],
      [`/api/rules/${id}/runs?outcome=great`, ["query", "outcome"]],
      [`/api/rules/${id}/runs?cursor=bm9wZQ`, ["query", "cursor"]],
    ] as const;
    for (const [path, failing] of bad) {
      const res = await get(path);
      expect(res.status, path).toBe(422);
      expect(res.body.error.code).toBe("validation_failed");
      expect(res.body.error.details.map((d: { path: unknown }) => d.path)).toContainEqual(failing);
    }
  });

  it("unknown ids and routes are 404 with the envelope", async () => {
    const id = await createRule();
    const cases: [string, string, unknown, string][] = [
      ["GET", "/api/rules/does-not-exist", undefined, "rule does-not-exist not found"],
      ["PATCH", "/api/rules/does-not-exist", { name: uniqueName() }, "rule does-not-exist not found"],
      ["DELETE", "/api/rules/does-not-exist", undefined, "rule does-not-exist not found"],
      ["POST", "/api/rules/does-not-exist/restore", undefined, "rule does-not-exist not found"],
      ["GET", "/api/rules/does-not-exist/versions", undefined, "rule does-not-exist not found"],
      ["POST", "/api/rules/does-not-exist/versions", { source: "x", language: "javascript" }, "rule does-not-exist not found"],
      ["GET", `/api/rules/${id}/versions/99`, undefined, `version 99 of rule ${id} not found`],
      ["GET", "/api/rules/does-not-exist/runs", undefined, "rule does-not-exist not found"],
      ["GET", "/api/rules/does-not-exist/test-cases", undefined, "rule does-not-exist not found"],
      ["PATCH", `/api/rules/${id}/test-cases/nope`, { name: "n" }, "test case nope not found"],
      ["DELETE", `/api/rules/${id}/test-cases/nope`, undefined, "test case nope not found"],
      ["GET", "/api/runs/does-not-exist", undefined, "run does-not-exist not found"],
      ["POST", "/api/rules/does-not-exist/execute", { input: 1 }, "rule does-not-exist not found"],
      ["POST", "/api/run", { source: "export default () => 1", input: 1, ruleId: "does-not-exist" }, "rule does-not-exist not found"],
      ["DELETE", "/api/keys/does-not-exist", undefined, "api key does-not-exist not found"],
      ["GET", "/api/no-such-route", undefined, "no API route GET /api/no-such-route"],
    ];
    for (const [method, path, body, message] of cases) {
      // Every call carries an API key, so the execute row is about the missing rule, not auth.
      const res = await call(method, path, method === "GET" || method === "DELETE" ? undefined : (body ?? {}), { authorization: `Bearer ${await testApiKey()}` });
      expect({ where: `${method} ${path}`, status: res.status, body: res.body }).toEqual({ where: `${method} ${path}`, status: 404, body: { error: { code: "not_found", message } } });
    }
  });

  it("oversized source and input are 413, checked before validation", async () => {
    const id = await createRule();
    const bigSource = "x".repeat(256 * KiB + 1);
    const bigInput = { blob: "y".repeat(MiB) };
    const SOURCE_MESSAGE = `source is ${256 * KiB + 1} bytes; the limit is ${256 * KiB} bytes (256 KiB)`;
    const INPUT_MESSAGE = `input is ${JSON.stringify(bigInput).length} bytes; the limit is ${MiB} bytes (1 MiB)`;
    const cases: [string, string, unknown, string][] = [
      ["POST", `/api/rules/${id}/versions`, { source: bigSource, language: "javascript" }, SOURCE_MESSAGE],
      ["POST", "/api/rules", { name: uniqueName(), source: bigSource }, SOURCE_MESSAGE],
      ["POST", "/api/run", { source: bigSource, input: 1, unknownField: true }, SOURCE_MESSAGE],
      ["POST", "/api/analyze", { source: bigSource }, SOURCE_MESSAGE],
      ["POST", "/api/run", { source: "export default () => 1", input: bigInput }, INPUT_MESSAGE],
      ["POST", `/api/rules/${id}/execute`, { input: bigInput }, INPUT_MESSAGE],
      ["POST", `/api/rules/${id}/test-cases`, { name: "big", input: bigInput }, INPUT_MESSAGE],
    ];
    for (const [method, path, body, message] of cases) {
      const res = await call(method, path, body, { authorization: `Bearer ${await testApiKey()}` });
      expect({ where: path, status: res.status, code: res.body.error.code, message: res.body.error.message }).toEqual({ where: path, status: 413, code: "payload_too_large", message });
    }
    const huge = await post("/api/run", { source: "export default () => 1", input: { blob: "z".repeat(3 * MiB) } });
    expect(huge.status).toBe(413);
    expect(huge.body.error).toEqual({ code: "payload_too_large", message: expect.stringMatching(/^request body is larger than/), details: { limitBytes: expect.any(Number) } });
  });

  it("deeply nested JSON is refused without a crash", async () => {
    const deep = "[".repeat(100_000) + "]".repeat(100_000);
    const res = await call("POST", "/api/run", `{"source":"export default () => 1","input":${deep}}`);
    expect([400, 413, 422]).toContain(res.status);
    expect(Object.keys(res.body)).toEqual(["error"]);
  });
});
