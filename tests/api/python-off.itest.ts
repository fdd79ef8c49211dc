// Python rules are off unless RULEBOX_PYTHON_RULES=on (server/contracts/languages.ts). Two servers
// share one SQLite file: one with Python on makes a Python rule (published, with a key), one with
// the setting left at its default must refuse to create, save, run or execute any Python rule,
// with a clear 409, recording nothing, while JavaScript keeps working.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type StartedServer } from "../harness/server";

const PY = "def rule(input, ctx):\n    return input\n";
const JS = "export default (input) => input;";

describe("Python rules off (the default)", () => {
  let on: StartedServer;
  let off: StartedServer;
  let pythonRule: string;
  let jsRule: string;
  let key: string;

  const call = async (server: StartedServer, method: string, path: string, body?: unknown, auth: "cookie" | "key" = "cookie") => {
    const res = await fetch(`${server.baseUrl}${path}`, {
      method,
      headers: { "content-type": "application/json", ...(auth === "cookie" ? { cookie: server.adminCookie, origin: server.baseUrl } : { authorization: `Bearer ${key}` }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text.startsWith("{") ? JSON.parse(text) : text };
  };

  beforeAll(async () => {
    on = await startServer({ RULEBOX_PYTHON_RULES: "on" });
    const py = await call(on, "POST", "/api/rules", { name: "py rule", language: "python", source: PY });
    const js = await call(on, "POST", "/api/rules", { name: "js rule", language: "javascript", source: JS });
    expect([py.status, js.status]).toEqual([201, 201]);
    pythonRule = py.body.rule.id;
    jsRule = js.body.rule.id;
    for (const id of [pythonRule, jsRule]) expect((await call(on, "POST", `/api/rules/${id}/publish`, { version: 1 })).status).toBe(200);
    key = (await call(on, "POST", "/api/keys", { name: "caller" })).body.secret;
    expect((await call(on, "POST", `/api/rules/${pythonRule}/execute`, { input: 1 }, "key")).body).toMatchObject({ outcome: "ok", output: 1 });
    // The same database, the setting at its default (the harness sets "on"; "" unsets it). The admin
    // exists already: the bootstrap leaves it as it is.
    off = await startServer({ RULEBOX_PYTHON_RULES: "", DATABASE_URL: on.databaseUrl, RULEBOX_ADMIN_EMAIL: on.admin!.email, RULEBOX_ADMIN_PASSWORD: on.admin!.password });
  }, 240_000);

  afterAll(async () => {
    await off?.stop();
    await on?.stop();
  });

  const refused = { status: 409, body: { error: { code: "conflict", message: expect.stringMatching(/Python rules are turned off on this server; an operator turns them on with RULEBOX_PYTHON_RULES=on/), details: { reason: "language_disabled" } } } };

  it("refuses to create or save a Python rule, and keeps nothing", async () => {
    expect(await call(off, "POST", "/api/rules", { name: "new py", language: "python", source: PY })).toMatchObject(refused);
    expect((await call(off, "GET", "/api/rules?q=new%20py")).body.rules).toEqual([]);
    expect(await call(off, "POST", `/api/rules/${pythonRule}/versions`, { source: PY, language: "python", message: "v2" })).toMatchObject(refused);
    // A JavaScript version of the same rule is fine: the rule moves off Python.
    expect((await call(off, "POST", `/api/rules/${jsRule}/versions`, { source: JS, language: "javascript", message: "v2" })).status).toBe(201);
    expect((await call(off, "GET", `/api/rules/${pythonRule}/versions`)).body.versions).toHaveLength(1);
  });

  it("refuses to run Python from the editor or execute a published Python rule, and records nothing", async () => {
    const before = (await call(off, "GET", `/api/rules/${pythonRule}/runs`)).body.runs.length;
    expect(await call(off, "POST", "/api/run", { source: PY, language: "python", input: 1, ruleId: pythonRule })).toMatchObject(refused);
    expect(await call(off, "POST", `/api/rules/${pythonRule}/execute`, { input: 1 }, "key")).toMatchObject(refused);
    expect(await call(off, "POST", `/api/rules/${pythonRule}/execute/batch`, { inputs: [1, 2] }, "key")).toMatchObject(refused);
    expect((await call(off, "GET", `/api/rules/${pythonRule}/runs`)).body.runs).toHaveLength(before);
    // JavaScript is untouched.
    expect((await call(off, "POST", `/api/rules/${jsRule}/execute`, { input: 7 }, "key")).body).toMatchObject({ outcome: "ok", output: 7 });
  });

  it("shows Python as turned off in the create form", async () => {
    const page = await fetch(`${off.baseUrl}/`, { headers: { cookie: off.adminCookie } }).then((r) => r.text());
    expect(page).toContain("Python (off)");
    expect(page).toContain("Python rules are turned off on this server (RULEBOX_PYTHON_RULES=on turns them on)");
    const onPage = await fetch(`${on.baseUrl}/`, { headers: { cookie: on.adminCookie } }).then((r) => r.text());
    expect(onPage).not.toContain("Python (off)");
    expect(onPage).toContain("JavaScript, TypeScript or Python");
  });

  it("refuses to start with a setting it does not understand", async () => {
    await expect(startServer({ RULEBOX_PYTHON_RULES: "maybe" })).rejects.toThrow(/RULEBOX_PYTHON_RULES must be "on" or "off", got "maybe"/);
  });
});
