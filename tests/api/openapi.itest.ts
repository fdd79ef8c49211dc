// The OpenAPI document against the running app: it is served publicly, and real answers of the main
// routes (success and error) match the schema it documents for that operation and status.
import Ajv2020, { type ValidateFunction } from "ajv/dist/2020";
import addFormats from "ajv-formats";
import { beforeAll, describe, expect, it } from "vitest";
import { call, createRule, get, post, testApiKey, type ApiAnswer } from "../harness/api";

type Doc = { openapi: string; paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: object }> }> }>>; components: { schemas: Record<string, object> } };

let doc: Doc;
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
const validators = new Map<string, ValidateFunction>();

/** The document's path template a concrete path falls under: /api/rules/abc/versions/1 → /api/rules/{id}/versions/{n}. */
function templateOf(concrete: string): string {
  const bare = concrete.split("?")[0]!;
  const match = Object.keys(doc.paths).find((t) => new RegExp(`^${t.replace(/\{\w+\}/g, "[^/]+")}$`).test(bare));
  if (!match) throw new Error(`${bare} matches no path of the document`);
  return match;
}

/** Asserts the answer's status is documented for the operation and its body matches that status's schema. */
function expectDocumented(method: string, concrete: string, res: ApiAnswer): void {
  const template = templateOf(concrete);
  const op = doc.paths[template]![method.toLowerCase()];
  expect(op, `${method} ${template} is not in the document`).toBeDefined();
  const answer = op!.responses[String(res.status)];
  expect(answer, `${method} ${template} answered ${res.status}, which the document does not list (${Object.keys(op!.responses).join(", ")}): ${JSON.stringify(res.body).slice(0, 300)}`).toBeDefined();
  const schema = answer!.content?.["application/json"]?.schema;
  expect(schema, `${method} ${template} ${res.status} has no JSON schema`).toBeDefined();
  const key = `${method} ${template} ${res.status}`;
  let validate = validators.get(key);
  if (!validate) {
    validate = ajv.compile({ $ref: `rulebox-openapi${(schema as { $ref: string }).$ref}` });
    validators.set(key, validate);
  }
  const valid = validate(res.body);
  expect(valid ? [] : validate.errors, `${key}: the answer does not match the documented schema: ${JSON.stringify(res.body).slice(0, 500)}`).toEqual([]);
}

beforeAll(async () => {
  const res = await call("GET", "/api/openapi.json", undefined, { cookie: "" });
  expect(res.status).toBe(200);
  doc = res.body;
  // The components are the document's own: refs like #/components/schemas/X resolve inside it.
  ajv.addSchema({ $id: "rulebox-openapi", components: doc.components });
});

describe("GET /api/openapi.json", () => {
  it("is public JSON, OpenAPI 3.1, with the execute route and both security schemes", async () => {
    const res = await fetch(`${(await import("../harness/api")).baseUrl()}/api/openapi.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(doc.openapi).toMatch(/^3\.1\./);
    expect(doc.paths["/api/rules/{id}/execute"]?.post).toBeDefined();
    expect(Object.keys((doc as any).components.securitySchemes).sort()).toEqual(["apiKey", "session"]);
  });
});

describe("real answers match the documented schemas", () => {
  let ruleId: string;
  let runId: string;
  let caseId: string;

  beforeAll(async () => {
    ruleId = await createRule({ source: "export default (input, ctx) => { ctx.log('n', input.n); return { doubled: input.n * 2 }; }", language: "javascript", sampleInput: { n: 2 } });
  });

  it.each([
    ["GET", "/api/health"],
    ["GET", "/api/auth/setup"],
    ["GET", "/api/auth/me"],
    ["GET", "/api/limits"],
    ["GET", "/api/rules"],
    ["GET", "/api/rules?q=itest&includeArchived=1"],
    ["GET", "/api/keys"],
    ["GET", "/api/users"],
    ["GET", "/api/audit?limit=5"],
  ])("%s %s", async (method, path) => {
    const res = await call(method, path);
    expect(res.status).toBe(200);
    expectDocumented(method, path, res);
  });

  it("a rule: read, versions, test cases, deployments", async () => {
    for (const path of [`/api/rules/${ruleId}`, `/api/rules/${ruleId}/versions`, `/api/rules/${ruleId}/versions/1`, `/api/rules/${ruleId}/test-cases`, `/api/rules/${ruleId}/deployments`]) {
      const res = await get(path);
      expect(res.status, path).toBe(200);
      expectDocumented("GET", path, res);
    }
    const cases = await get(`/api/rules/${ruleId}/test-cases`);
    caseId = cases.body.testCases[0].id;
  });

  it("writes: rename, save a version, a test case changed and added, publish", async () => {
    const calls: [string, string, unknown, number][] = [
      ["PATCH", `/api/rules/${ruleId}`, { description: "documented" }, 200],
      ["POST", `/api/rules/${ruleId}/versions`, { source: "export default (input) => ({ doubled: input.n * 2, v: 2 })", language: "javascript", message: "v2" }, 201],
      ["PATCH", `/api/rules/${ruleId}/test-cases/${caseId}`, { expectedOutput: { doubled: 4 } }, 200],
      ["POST", `/api/rules/${ruleId}/test-cases`, { name: "three", input: { n: 3 } }, 201],
      ["POST", `/api/rules/${ruleId}/publish`, { version: 2, message: "go" }, 200],
      ["POST", "/api/analyze", { source: "export default () => eval('1')" }, 200],
      ["POST", "/api/run", { source: "export default (i) => { throw new Error('boom ' + i.n) }", input: { n: 1 }, ruleId }, 200],
      ["POST", "/api/keys", { name: "openapi itest key", ruleIds: [ruleId] }, 201],
    ];
    for (const [method, path, body, status] of calls) {
      const res = await call(method, path, body);
      expect(res.status, `${method} ${path}: ${JSON.stringify(res.body)}`).toBe(status);
      expectDocumented(method, path, res);
    }
  });

  it("execute and execute/batch with an API key, then the recorded run, its history and an exact replay", async () => {
    const auth = { authorization: `Bearer ${await testApiKey()}` };
    const one = await call("POST", `/api/rules/${ruleId}/execute`, { input: { n: 21 } }, auth);
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ outcome: "ok", output: { doubled: 42 }, version: 2 });
    expectDocumented("POST", `/api/rules/${ruleId}/execute`, one);
    runId = one.body.runId;

    const batch = await call("POST", `/api/rules/${ruleId}/execute/batch`, { inputs: [{ n: 1 }, { n: "x" }], version: 1 }, auth);
    expect(batch.status).toBe(200);
    expectDocumented("POST", `/api/rules/${ruleId}/execute/batch`, batch);

    for (const path of [`/api/runs/${runId}`, `/api/rules/${ruleId}/runs?limit=5`]) {
      const res = await get(path);
      expect(res.status, path).toBe(200);
      expectDocumented("GET", path, res);
    }
    const replay = await post(`/api/runs/${runId}/replay`);
    expect(replay.status).toBe(200);
    expectDocumented("POST", `/api/runs/${runId}/replay`, replay);
    const whatIf = await post(`/api/rules/${ruleId}/replay`, { candidate: { version: 1 }, last: 10 });
    expect(whatIf.status, JSON.stringify(whatIf.body)).toBe(200);
    expectDocumented("POST", `/api/rules/${ruleId}/replay`, whatIf);
  });

  it("errors answer the documented envelope with a documented status", async () => {
    const cases: [string, string, unknown, Record<string, string>, number][] = [
      ["GET", "/api/rules/no-such-rule", undefined, {}, 404],
      ["GET", "/api/rules", undefined, { cookie: "" }, 401],
      ["POST", `/api/rules/${ruleId}/execute`, { input: 1 }, { cookie: "" }, 401],
      ["POST", `/api/rules/${ruleId}/execute`, "{not json", { authorization: `Bearer ${await testApiKey()}` }, 400],
      ["POST", `/api/rules/${ruleId}/execute`, { input: 1, extra: true }, { authorization: `Bearer ${await testApiKey()}` }, 422],
      ["POST", "/api/rules", { name: "" }, {}, 422],
      ["PATCH", `/api/rules/${ruleId}/test-cases/no-such-case`, { name: "x" }, {}, 404],
    ];
    for (const [method, path, body, headers, status] of cases) {
      const res = await call(method, path, body, headers);
      expect(res.status, `${method} ${path}: ${JSON.stringify(res.body)}`).toBe(status);
      expectDocumented(method, path, res);
    }
  });

  it("delete a test case, archive and restore the rule", async () => {
    const cases = await get(`/api/rules/${ruleId}/test-cases`);
    const three = cases.body.testCases.find((c: { name: string }) => c.name === "three");
    for (const [method, path] of [
      ["DELETE", `/api/rules/${ruleId}/test-cases/${three.id}`],
      ["DELETE", `/api/rules/${ruleId}`],
      ["POST", `/api/rules/${ruleId}/restore`],
    ] as const) {
      const res = await call(method, path, method === "POST" ? {} : undefined);
      expect(res.status, `${method} ${path}: ${JSON.stringify(res.body)}`).toBe(200);
      expectDocumented(method, path, res);
    }
  });

  it("accounts: create and change a user, sign in and out, change a password, revoke a key, a throttled sign-in", async () => {
    const email = `openapi-${Date.now()}@itest.example`;
    const created = await post("/api/users", { email, role: "viewer", password: "a long enough password" });
    expect(created.status).toBe(201);
    expectDocumented("POST", "/api/users", created);
    const changed = await call("PATCH", `/api/users/${created.body.user.id}`, { role: "author" });
    expect(changed.status).toBe(200);
    expectDocumented("PATCH", `/api/users/${created.body.user.id}`, changed);

    const client = { cookie: "", "x-forwarded-for": "198.51.100.201" };
    const signedIn = await call("POST", "/api/auth/sign-in", { email, password: "a long enough password" }, client);
    expect(signedIn.status).toBe(200);
    expectDocumented("POST", "/api/auth/sign-in", signedIn);
    const cookie = signedIn.headers.getSetCookie().find((c) => c.startsWith("rulebox_session="))!.split(";")[0]!;
    const password = await call("POST", "/api/auth/password", { currentPassword: "a long enough password", newPassword: "another long password" }, { cookie });
    expect(password.status).toBe(200);
    expectDocumented("POST", "/api/auth/password", password);
    const renewed = password.headers.getSetCookie().find((c) => c.startsWith("rulebox_session="))!.split(";")[0]!;
    const out = await call("POST", "/api/auth/sign-out", {}, { cookie: renewed });
    expect(out.status).toBe(200);
    expectDocumented("POST", "/api/auth/sign-out", out);

    const key = await post("/api/keys", { name: "openapi revoke" });
    const revoked = await call("DELETE", `/api/keys/${key.body.key.id}`);
    expect(revoked.status).toBe(200);
    expectDocumented("DELETE", `/api/keys/${key.body.key.id}`, revoked);

    const setupAgain = await call("POST", "/api/auth/setup", { email: "late@itest.example", password: "a long enough password" }, { cookie: "" });
    expect(setupAgain.status).toBe(409);
    expectDocumented("POST", "/api/auth/setup", setupAgain);

    let last: ApiAnswer | undefined;
    for (let i = 0; i < 7 && last?.status !== 429; i++) last = await call("POST", "/api/auth/sign-in", { email, password: "wrong" }, { cookie: "", "x-forwarded-for": "198.51.100.202" });
    expect(last?.status).toBe(429);
    expectDocumented("POST", "/api/auth/sign-in", last!);
  });

  it("GET /api/metrics is listed (Prometheus text, not JSON)", () => {
    expect(doc.paths["/api/metrics"]?.get).toBeDefined();
  });
});
