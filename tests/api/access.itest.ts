// Who may call what (issue 9), through the started server: every route × every role (and signed
// out) answers the documented status with the error envelope, and each allowed change leaves an
// audit row naming who made it. The table below is the contract; docs/security.md prints it.
import http from "node:http";
import { inject } from "vitest";
import { beforeAll, describe, expect, it } from "vitest";
import { baseUrl, call, createApiKey, createRule, post, uniqueName, type ApiAnswer } from "../harness/api";

type Access = "public" | "viewer" | "author" | "publisher" | "admin";
type Caller = "signed out" | "viewer" | "author" | "publisher" | "admin";
const CALLERS: Caller[] = ["signed out", "viewer", "author", "publisher", "admin"];
const RANK: Record<Caller, number> = { "signed out": -1, viewer: 0, author: 1, publisher: 2, admin: 3 };
const NEEDS: Record<Access, number> = { public: -1, viewer: 0, author: 1, publisher: 2, admin: 3 };

interface Row {
  method: "GET" | "POST" | "PATCH" | "DELETE";
  /** The route as documented. */
  route: string;
  access: Access;
  ok: number;
  /** Builds a fresh request (fixtures made by the admin), so every caller gets its own target. */
  make: () => Promise<{ path: string; body?: unknown }>;
  /** The audit action an allowed call records. */
  audit?: string;
}

const SOURCE = "export default (input) => ({ doubled: input.n * 2 });";
const rule = () => createRule({ source: SOURCE });

async function testCase(ruleId: string): Promise<string> {
  const res = await post(`/api/rules/${ruleId}/test-cases`, { name: uniqueName("case"), input: { n: 1 } });
  return res.body.testCase.id;
}

const TABLE: Row[] = [
  { method: "GET", route: "/api/health", access: "public", ok: 200, make: async () => ({ path: "/api/health" }) },
  { method: "GET", route: "/api/openapi.json", access: "public", ok: 200, make: async () => ({ path: "/api/openapi.json" }) },
  { method: "GET", route: "/api/limits", access: "viewer", ok: 200, make: async () => ({ path: "/api/limits" }) },
  { method: "POST", route: "/api/analyze", access: "viewer", ok: 200, make: async () => ({ path: "/api/analyze", body: { source: SOURCE } }) },
  { method: "GET", route: "/api/rules", access: "viewer", ok: 200, make: async () => ({ path: "/api/rules" }) },
  { method: "POST", route: "/api/rules", access: "author", ok: 201, audit: "rule.create", make: async () => ({ path: "/api/rules", body: { name: uniqueName("access"), source: SOURCE } }) },
  { method: "GET", route: "/api/rules/:id", access: "viewer", ok: 200, make: async () => ({ path: `/api/rules/${await rule()}` }) },
  { method: "PATCH", route: "/api/rules/:id", access: "author", ok: 200, audit: "rule.update", make: async () => ({ path: `/api/rules/${await rule()}`, body: { description: "changed" } }) },
  { method: "DELETE", route: "/api/rules/:id", access: "publisher", ok: 200, audit: "rule.archive", make: async () => ({ path: `/api/rules/${await rule()}` }) },
  {
    method: "POST",
    route: "/api/rules/:id/restore",
    access: "publisher",
    ok: 200,
    audit: "rule.restore",
    make: async () => {
      const id = await rule();
      await call("DELETE", `/api/rules/${id}`);
      return { path: `/api/rules/${id}/restore`, body: {} };
    },
  },
  { method: "GET", route: "/api/rules/:id/versions", access: "viewer", ok: 200, make: async () => ({ path: `/api/rules/${await rule()}/versions` }) },
  {
    method: "POST",
    route: "/api/rules/:id/versions",
    access: "author",
    ok: 201,
    audit: "version.save",
    make: async () => ({ path: `/api/rules/${await rule()}/versions`, body: { source: SOURCE, language: "javascript", message: "v2" } }),
  },
  { method: "GET", route: "/api/rules/:id/versions/:n", access: "viewer", ok: 200, make: async () => ({ path: `/api/rules/${await rule()}/versions/1` }) },
  { method: "GET", route: "/api/rules/:id/test-cases", access: "viewer", ok: 200, make: async () => ({ path: `/api/rules/${await rule()}/test-cases` }) },
  {
    method: "POST",
    route: "/api/rules/:id/test-cases",
    access: "author",
    ok: 201,
    audit: "test_case.create",
    make: async () => ({ path: `/api/rules/${await rule()}/test-cases`, body: { name: "case", input: { n: 2 } } }),
  },
  {
    method: "PATCH",
    route: "/api/rules/:id/test-cases/:caseId",
    access: "author",
    ok: 200,
    audit: "test_case.update",
    make: async () => {
      const id = await rule();
      return { path: `/api/rules/${id}/test-cases/${await testCase(id)}`, body: { input: { n: 3 } } };
    },
  },
  {
    method: "DELETE",
    route: "/api/rules/:id/test-cases/:caseId",
    access: "author",
    ok: 200,
    audit: "test_case.delete",
    make: async () => {
      const id = await rule();
      return { path: `/api/rules/${id}/test-cases/${await testCase(id)}` };
    },
  },
  { method: "GET", route: "/api/rules/:id/runs", access: "viewer", ok: 200, make: async () => ({ path: `/api/rules/${await rule()}/runs` }) },
  { method: "GET", route: "/api/rules/:id/deployments", access: "viewer", ok: 200, make: async () => ({ path: `/api/rules/${await rule()}/deployments` }) },
  {
    method: "POST",
    route: "/api/rules/:id/publish",
    access: "publisher",
    ok: 200,
    audit: "deployment.publish",
    make: async () => ({ path: `/api/rules/${await createRule({ source: SOURCE }, { publish: false })}/publish`, body: { version: 1, message: "go" } }),
  },
  { method: "POST", route: "/api/rules/:id/replay", access: "author", ok: 200, make: async () => ({ path: `/api/rules/${await rule()}/replay`, body: { candidate: { version: 1 } } }) },
  { method: "POST", route: "/api/run", access: "author", ok: 200, make: async () => ({ path: "/api/run", body: { source: SOURCE, input: { n: 1 } } }) },
  {
    method: "GET",
    route: "/api/runs/:id",
    access: "viewer",
    ok: 200,
    make: async () => {
      const ran = await post("/api/run", { source: SOURCE, input: { n: 1 }, ruleId: await rule() });
      return { path: `/api/runs/${ran.body.runId}` };
    },
  },
  {
    method: "POST",
    route: "/api/runs/:id/replay",
    access: "author",
    ok: 200,
    make: async () => {
      const ran = await post("/api/run", { source: SOURCE, input: { n: 1 }, ruleId: await rule() });
      return { path: `/api/runs/${ran.body.runId}/replay`, body: {} };
    },
  },
  { method: "GET", route: "/api/keys", access: "admin", ok: 200, make: async () => ({ path: "/api/keys" }) },
  { method: "POST", route: "/api/keys", access: "admin", ok: 201, audit: "key.create", make: async () => ({ path: "/api/keys", body: { name: uniqueName("key") } }) },
  { method: "DELETE", route: "/api/keys/:id", access: "admin", ok: 200, audit: "key.revoke", make: async () => ({ path: `/api/keys/${(await createApiKey()).id}` }) },
  { method: "GET", route: "/api/users", access: "admin", ok: 200, make: async () => ({ path: "/api/users" }) },
  {
    method: "POST",
    route: "/api/users",
    access: "admin",
    ok: 201,
    audit: "user.create",
    make: async () => ({ path: "/api/users", body: { email: `${uniqueName("u").replace(/\W+/g, "-")}@itest.example`, role: "viewer", password: "a long enough password" } }),
  },
  {
    method: "PATCH",
    route: "/api/users/:id",
    access: "admin",
    ok: 200,
    audit: "user.update",
    make: async () => ({ path: `/api/users/${(await createUser("viewer")).id}`, body: { role: "author" } }),
  },
  { method: "GET", route: "/api/audit", access: "admin", ok: 200, make: async () => ({ path: "/api/audit" }) },
  { method: "GET", route: "/api/auth/me", access: "viewer", ok: 200, make: async () => ({ path: "/api/auth/me" }) },
];

const PASSWORD = "correct horse battery staple";

async function createUser(role: Exclude<Caller, "signed out">, password = PASSWORD): Promise<{ id: string; email: string }> {
  const email = `${role}-${uniqueName("").replace(/\W+/g, "-")}@itest.example`.toLowerCase();
  const res = await post("/api/users", { email, role, password, name: `The ${role}` });
  if (res.status !== 201) throw new Error(`creating a ${role} answered ${res.status}: ${JSON.stringify(res.body)}`);
  return { id: res.body.user.id, email };
}

async function signIn(email: string, password = PASSWORD, headers: Record<string, string> = {}): Promise<ApiAnswer & { cookie: string }> {
  const res = await call("POST", "/api/auth/sign-in", { email, password }, { cookie: "", ...headers });
  const set = res.headers.getSetCookie().find((c) => c.startsWith("rulebox_session="));
  return { ...res, cookie: set ? set.split(";")[0]! : "" };
}

const people: Partial<Record<Caller, { id: string; email: string; cookie: string }>> = {};

beforeAll(async () => {
  for (const role of ["viewer", "author", "publisher"] as const) {
    const user = await createUser(role);
    people[role] = { ...user, cookie: (await signIn(user.email)).cookie };
  }
  people.admin = { id: "", email: inject("admin").email, cookie: inject("adminCookie") };
});

function cookieOf(caller: Caller): string {
  return caller === "signed out" ? "" : people[caller]!.cookie;
}

describe("every route × every role", () => {
  it.each(TABLE.flatMap((row) => CALLERS.map((caller) => [`${row.method} ${row.route}`, caller, row] as const)))("%s as %s", async (_label, caller, row) => {
    const { path, body } = await row.make();
    const res = await call(row.method, path, body ?? (row.method === "POST" ? {} : undefined), { cookie: cookieOf(caller) });
    const allowed = RANK[caller] >= NEEDS[row.access];
    if (allowed) {
      expect({ status: res.status, body: res.status === row.ok ? "ok" : res.body }).toEqual({ status: row.ok, body: "ok" });
      if (row.audit && caller !== "signed out") {
        const trail = await call("GET", `/api/audit?action=${row.audit}&actor=${encodeURIComponent(people[caller]!.email)}&limit=1`);
        expect(trail.body.events[0], `an audit row for ${row.audit} by ${caller}`).toMatchObject({ action: row.audit, actorEmail: people[caller]!.email, ip: expect.any(String) });
        expect(Date.now() - new Date(trail.body.events[0].createdAt).getTime()).toBeLessThan(60_000);
      }
    } else if (caller === "signed out") {
      expect(res).toMatchObject({ status: 401, body: { error: { code: "unauthorized", message: expect.stringMatching(/sign in/) } } });
    } else {
      expect(res).toMatchObject({ status: 403, body: { error: { code: "forbidden", message: expect.stringContaining(`needs the ${row.access} role`) } } });
    }
  });

  it("GET /api/metrics is public (Prometheus text)", async () => {
    const res = await fetch(`${baseUrl()}/api/metrics`);
    expect(res.status).toBe(200);
    expect(await res.text()).toMatch(/^# HELP/m);
  });

  it("execute takes an API key only: a session cookie, even an admin's, is not a credential there", async () => {
    const id = await rule();
    for (const path of [`/api/rules/${id}/execute`, `/api/rules/${id}/execute/batch`]) {
      const res = await call("POST", path, path.endsWith("batch") ? { inputs: [{ n: 1 }] } : { input: { n: 1 } }, { cookie: inject("adminCookie") });
      expect(res).toMatchObject({ status: 401, body: { error: { code: "unauthorized" } } });
    }
  });
});

describe("cross-site requests and DNS rebinding", () => {
  const raw = (path: string, init: RequestInit & { headers?: Record<string, string> }) =>
    fetch(`${baseUrl()}${path}`, { ...init, headers: { cookie: inject("adminCookie"), ...init.headers } });

  it.each([
    ["a text/plain POST from another site", { "content-type": "text/plain", origin: "http://evil.example" }],
    ["a form-encoded POST", { "content-type": "application/x-www-form-urlencoded", origin: "http://evil.example" }],
    ["JSON with a foreign Origin", { "content-type": "application/json", origin: "http://evil.example" }],
    ["JSON marked cross-site", { "content-type": "application/json", "sec-fetch-site": "cross-site" }],
  ])("refuses %s with 403 and mints no key", async (_label, headers) => {
    const before = (await call("GET", "/api/keys")).body.keys.length;
    const res = await raw("/api/keys", { method: "POST", headers, body: JSON.stringify({ name: "csrf" }) });
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ error: { code: "forbidden", message: expect.any(String) } });
    expect((await call("GET", "/api/keys")).body.keys.length).toBe(before);
  });

  it("refuses a cross-site rule creation, and a sign-in from another site (login CSRF)", async () => {
    const name = uniqueName("csrf");
    const created = await raw("/api/rules", { method: "POST", headers: { "content-type": "text/plain", origin: "http://evil.example" }, body: JSON.stringify({ name }) });
    expect(created.status).toBe(403);
    expect((await call("GET", `/api/rules?q=${encodeURIComponent(name)}`)).body.rules).toEqual([]);
    const login = await fetch(`${baseUrl()}/api/auth/sign-in`, { method: "POST", headers: { "content-type": "application/json", origin: "http://evil.example" }, body: JSON.stringify({ email: "x@y.z", password: "p" }) });
    expect(login.status).toBe(403);
  });

  it("accepts same-origin JSON from a browser", async () => {
    const res = await raw("/api/keys", { method: "POST", headers: { "content-type": "application/json", origin: baseUrl(), "sec-fetch-site": "same-origin" }, body: JSON.stringify({ name: uniqueName("same-origin") }) });
    expect(res.status).toBe(201);
  });

  it("refuses a foreign Host on API routes and pages alike (DNS rebinding), whatever the cookie", async () => {
    // fetch() will not send a Host of our choosing; node:http sends what a rebinding browser sends.
    const withHost = (path: string, host: string) =>
      new Promise<number>((resolve, reject) => {
        const url = new URL(baseUrl());
        const req = http.request({ hostname: url.hostname, port: url.port, path, headers: { host, cookie: inject("adminCookie") } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on("error", reject);
        req.end();
      });
    const port = new URL(baseUrl()).port;
    for (const path of ["/api/rules", "/api/health", "/api/no-such-route", "/", "/keys", "/sign-in"]) {
      expect({ path, status: await withHost(path, `evil.example:${port}`) }).toEqual({ path, status: 403 });
    }
    expect(await withHost("/api/rules", `localhost:${port}`)).toBe(200);
    expect(await withHost("/api/rules", `localhost:${Number(port) + 1}`)).toBe(403);
  });
});

describe("sessions", () => {
  it("signs in with the documented request, sets an httpOnly SameSite cookie, and a fresh session id each time", async () => {
    const user = await createUser("viewer");
    const a = await signIn(user.email);
    const b = await signIn(user.email);
    expect(a.status).toBe(200);
    expect(a.body).toMatchObject({ user: { email: user.email, role: "viewer" } });
    const set = a.headers.getSetCookie().find((c) => c.startsWith("rulebox_session="))!;
    expect(set).toMatch(/HttpOnly/i);
    expect(set).toMatch(/SameSite=Lax/i);
    expect(set).toMatch(/Path=\//);
    expect(set).not.toMatch(/Secure/); // plain HTTP on loopback
    expect(a.cookie).not.toBe(b.cookie);
  });

  it("ignores a session id planted before sign-in (fixation): the answer carries a new one", async () => {
    const user = await createUser("author");
    const planted = "rulebox_session=" + "A".repeat(43);
    const res = await signIn(user.email, PASSWORD, { cookie: planted });
    expect(res.cookie).not.toBe(planted);
    expect((await call("GET", "/api/auth/me", undefined, { cookie: planted })).status).toBe(401);
    expect((await call("GET", "/api/auth/me", undefined, { cookie: res.cookie })).body.user.email).toBe(user.email);
  });

  it("sign-out ends the session on the server (the old cookie no longer works)", async () => {
    const user = await createUser("viewer");
    const { cookie } = await signIn(user.email);
    expect((await call("GET", "/api/rules", undefined, { cookie })).status).toBe(200);
    const out = await call("POST", "/api/auth/sign-out", {}, { cookie });
    expect(out.status).toBe(200);
    expect(out.headers.getSetCookie().join()).toMatch(/rulebox_session=;.*Max-Age=0/);
    expect((await call("GET", "/api/rules", undefined, { cookie })).status).toBe(401);
  });

  it("disabling a user ends their sessions at once and refuses their sign-in; the last admin cannot be disabled", async () => {
    const user = await createUser("publisher");
    const { cookie } = await signIn(user.email);
    expect((await call("PATCH", `/api/users/${user.id}`, { disabled: true })).status).toBe(200);
    expect((await call("GET", "/api/rules", undefined, { cookie })).status).toBe(401);
    // Answered like a wrong password, even with the right one: it must not reveal the account.
    expect(await signIn(user.email)).toMatchObject({ status: 401, body: { error: { code: "unauthorized", message: "the email or password is wrong" } } });
    expect((await call("PATCH", `/api/users/${user.id}`, { disabled: false })).status).toBe(200);
    expect((await signIn(user.email)).status).toBe(200);
    const me = (await call("GET", "/api/auth/me")).body.user;
    expect(await call("PATCH", `/api/users/${me.id}`, { disabled: true })).toMatchObject({ status: 409, body: { error: { message: expect.stringMatching(/last active admin/) } } });
  });

  it("changing the password ends every other session and keeps the one that changed it", async () => {
    const user = await createUser("author");
    const first = await signIn(user.email);
    const second = await signIn(user.email);
    const weak = await call("POST", "/api/auth/password", { currentPassword: PASSWORD, newPassword: "short" }, { cookie: first.cookie });
    expect(weak).toMatchObject({ status: 422, body: { error: { code: "validation_failed" } } });
    const wrong = await call("POST", "/api/auth/password", { currentPassword: "not it at all", newPassword: "a brand new long password" }, { cookie: first.cookie });
    expect(wrong.status).toBe(403);
    const changed = await call("POST", "/api/auth/password", { currentPassword: PASSWORD, newPassword: "a brand new long password" }, { cookie: first.cookie });
    expect(changed.status).toBe(200);
    const renewed = changed.headers.getSetCookie().find((c) => c.startsWith("rulebox_session="))!.split(";")[0]!;
    expect((await call("GET", "/api/auth/me", undefined, { cookie: second.cookie })).status).toBe(401);
    expect((await call("GET", "/api/auth/me", undefined, { cookie: first.cookie })).status).toBe(401);
    expect((await call("GET", "/api/auth/me", undefined, { cookie: renewed })).status).toBe(200);
    expect((await signIn(user.email)).status).toBe(401);
    expect((await signIn(user.email, "a brand new long password")).status).toBe(200);
  });

  it("throttles an account after 5 failed sign-ins (429 with Retry-After), even with the right password, and audits the failures", async () => {
    const user = await createUser("viewer");
    const client = { "x-forwarded-for": `203.0.113.${Math.floor(Math.random() * 200) + 1}` };
    for (let i = 0; i < 5; i++) {
      expect(await signIn(user.email, "wrong password", client)).toMatchObject({ status: 401, body: { error: { code: "unauthorized", message: "the email or password is wrong" } } });
    }
    const locked = await signIn(user.email, PASSWORD, client);
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get("retry-after"))).toBeGreaterThan(0);
    const failures = await call("GET", `/api/audit?action=auth.sign_in_failed&actor=${encodeURIComponent(user.email)}`);
    expect(failures.body.events.length).toBe(5);
    expect(failures.body.events[0]).toMatchObject({ actorEmail: user.email, ip: client["x-forwarded-for"] });
  });

  it("checks at most the free attempts of a burst of concurrent guesses; the rest are refused unverified", async () => {
    const user = await createUser("viewer");
    const client = { "x-forwarded-for": "192.0.2.91" };
    const answers = await Promise.all(Array.from({ length: 30 }, () => signIn(user.email, "wrong guess", client)));
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(6);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(24);
    expect(statuses.every((s) => s === 401 || s === 429)).toBe(true);
    // Locked: the right password is refused too until the lock ends.
    expect((await signIn(user.email, PASSWORD, { "x-forwarded-for": "192.0.2.92" })).status).toBe(429);
    const checked = await call("GET", `/api/audit?action=auth.sign_in_failed&actor=${encodeURIComponent(user.email)}&limit=100`);
    expect(checked.body.events.length).toBe(statuses.filter((s) => s === 401).length);
  });

  it("throttles wrong current passwords on password change like sign-ins, and audits them", async () => {
    const user = await createUser("author");
    const { cookie } = await signIn(user.email);
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await call("POST", "/api/auth/password", { currentPassword: `guess ${i}`, newPassword: "a brand new long password" }, { cookie })).status);
    expect(statuses.slice(0, 5)).toEqual([403, 403, 403, 403, 403]);
    expect(statuses.slice(5)).toEqual([429, 429]);
    const failed = await call("GET", `/api/audit?action=auth.password_change_failed&actor=${encodeURIComponent(user.email)}`);
    expect(failed.body.events.length).toBe(5);
  });

  it("treats a malformed or doubled session cookie as no session (401, never 500)", async () => {
    expect((await call("GET", "/api/auth/me", undefined, { cookie: "rulebox_session=%E0%A4%A" })).status).toBe(401);
    expect((await call("POST", "/api/auth/sign-out", {}, { cookie: "rulebox_session=%E0%A4%A" })).status).toBe(200);
    const real = inject("adminCookie");
    expect((await call("GET", "/api/auth/me", undefined, { cookie: `${real}; rulebox_session=${"B".repeat(43)}` })).status).toBe(401);
    expect((await call("GET", "/api/auth/me", undefined, { cookie: real })).status).toBe(200);
  });

  it("refuses control and text-direction characters in emails and names (they would forge the audit trail)", async () => {
    const res = await signIn("a\u001b[2Jx\u202e@x.example", "whatever it is");
    expect(res).toMatchObject({ status: 422, body: { error: { code: "validation_failed" } } });
    expect((await post("/api/keys", { name: "evil\u202ename" })).status).toBe(422);
  });

  it("answers an unknown email exactly like a wrong password, and throttles a client that keeps failing across accounts", async () => {
    const client = { "x-forwarded-for": "198.51.100.77" };
    const unknown = await signIn("nobody-here@itest.example", "whatever it is", client);
    expect(unknown).toMatchObject({ status: 401, body: { error: { code: "unauthorized", message: "the email or password is wrong" } } });
    let last: ApiAnswer | undefined;
    for (let i = 0; i < 25 && last?.status !== 429; i++) last = await signIn(`nobody-${i}@itest.example`, "whatever it is", client);
    expect(last?.status).toBe(429);
    expect(last?.body.error.message).toMatch(/this client/);
  });
});

describe("API key scopes", () => {
  it("a key limited to some rules runs those and gets 403 elsewhere, before the executor", async () => {
    const mine = await rule();
    const other = await rule();
    const created = await post("/api/keys", { name: uniqueName("scoped"), ruleIds: [mine] });
    expect(created.body.key).toMatchObject({ ruleIds: [mine] });
    const auth = { authorization: `Bearer ${created.body.secret}` };
    expect((await call("POST", `/api/rules/${mine}/execute`, { input: { n: 2 } }, auth)).body).toMatchObject({ outcome: "ok", output: { doubled: 4 } });
    const refused = await call("POST", `/api/rules/${other}/execute`, { input: { n: 2 } }, auth);
    expect(refused).toMatchObject({ status: 403, body: { error: { code: "forbidden", details: { reason: "key_scope" } } } });
    const batch = await call("POST", `/api/rules/${other}/execute/batch`, { inputs: [{ n: 2 }] }, auth);
    expect(batch.status).toBe(403);
    expect((await call("GET", `/api/rules/${other}/runs`)).body.runs).toEqual([]);
    expect((await post("/api/keys", { name: "bad scope", ruleIds: ["no-such-rule"] })).status).toBe(404);
  });

  it("a disabled owner's keys stop working", async () => {
    const id = await rule();
    const admin = await createUser("admin");
    const { cookie } = await signIn(admin.email);
    const created = await call("POST", "/api/keys", { name: uniqueName("owned") }, { cookie });
    const auth = { authorization: `Bearer ${created.body.secret}` };
    expect((await call("POST", `/api/rules/${id}/execute`, { input: { n: 1 } }, auth)).status).toBe(200);
    await call("PATCH", `/api/users/${admin.id}`, { disabled: true });
    // At once in this instance (others: within RULEBOX_API_KEY_CACHE_MS).
    expect((await call("POST", `/api/rules/${id}/execute`, { input: { n: 1 } }, auth)).status).toBe(401);
    await call("PATCH", `/api/users/${admin.id}`, { disabled: false });
    expect((await call("POST", `/api/rules/${id}/execute`, { input: { n: 1 } }, auth)).status).toBe(200);
  });
});

describe("audit trail", () => {
  it("pages newest first with a cursor and filters by rule", async () => {
    const id = await rule();
    await call("PATCH", `/api/rules/${id}`, { description: "one" });
    await call("PATCH", `/api/rules/${id}`, { description: "two" });
    const first = await call("GET", `/api/audit?ruleId=${id}&limit=2`);
    expect(first.body.events.map((e: { action: string }) => e.action)).toEqual(["rule.update", "rule.update"]);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await call("GET", `/api/audit?ruleId=${id}&limit=2&cursor=${first.body.nextCursor}`);
    // createRule publishes v1 (the harness default), after creating it.
    expect(second.body.events.map((e: { action: string }) => e.action)).toEqual(["deployment.publish", "rule.create"]);
    expect(second.body.nextCursor).toBeNull();
    expect((await call("GET", "/api/audit?action=nope")).status).toBe(422);
  });

  it("has no route that edits or deletes an event", async () => {
    for (const method of ["PATCH", "DELETE", "PUT"]) {
      expect((await call(method, "/api/audit", method === "DELETE" ? undefined : {})).status).toBe(405);
    }
  });
});
