// The first start of an empty database (issue 9): no user, no default password. The app asks for
// the first admin (GET/POST /api/auth/setup) exactly once, even when two requests race; until then
// every IDE route answers 401. Bootstrapping from the environment refuses a weak password loudly.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type StartedServer } from "../harness/server";

describe("first start of an empty database", () => {
  let app: StartedServer;
  beforeAll(async () => {
    // RULEBOX_TRUSTED_PROXIES at its default (0): no proxy in front, so X-Forwarded-For is not believed.
    app = await startServer({ RULEBOX_ADMIN_EMAIL: "", RULEBOX_TRUSTED_PROXIES: "0" });
  });
  afterAll(async () => {
    await app?.stop();
  });

  const send = async (method: string, path: string, body?: unknown, cookie = "") => {
    const res = await fetch(`${app.baseUrl}${path}`, {
      method,
      headers: { ...(body === undefined ? {} : { "content-type": "application/json" }), ...(cookie ? { cookie } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
      redirect: "manual",
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text.startsWith("{") ? JSON.parse(text) : text };
  };

  it("asks for the first admin, and serves nothing else meanwhile", async () => {
    expect((await send("GET", "/api/auth/setup")).body).toEqual({ needed: true });
    expect((await send("GET", "/api/rules")).status).toBe(401);
    expect((await send("POST", "/api/auth/sign-in", { email: "a@b.c", password: "anything at all" })).status).toBe(401);
    // Pages lead there too: no cookie → sign-in, which sends an empty install on to setup.
    expect((await send("GET", "/")).headers.get("location")).toMatch(/\/sign-in$/);
    expect((await send("GET", "/sign-in")).headers.get("location")).toMatch(/\/setup$/);
    expect(app.output()).not.toMatch(/password/i);
  });

  it("refuses a weak password with a clear 422", async () => {
    const res = await send("POST", "/api/auth/setup", { email: "owner@example.com", password: "short" });
    expect(res).toMatchObject({ status: 422, body: { error: { code: "validation_failed", message: expect.stringMatching(/at least 12 characters/) } } });
  });

  it("creates exactly one admin when two requests race, signs them in, and refuses setup afterwards", async () => {
    const [a, b] = await Promise.all([
      send("POST", "/api/auth/setup", { email: "Owner@Example.com", name: "Owner", password: "a long first password" }),
      send("POST", "/api/auth/setup", { email: "intruder@example.com", password: "another long password" }),
    ]);
    const statuses = [a.status, b.status].sort();
    expect(statuses).toEqual([201, 409]);
    const won = a.status === 201 ? a : b;
    expect(won.body.user).toMatchObject({ role: "admin" });
    const cookie = won.headers.getSetCookie().find((c: string) => c.startsWith("rulebox_session="))!.split(";")[0]!;
    expect((await send("GET", "/api/auth/me", undefined, cookie)).body.user).toMatchObject({ role: "admin", email: won.body.user.email });
    expect((await send("GET", "/api/auth/setup")).body).toEqual({ needed: false });
    expect((await send("POST", "/api/auth/setup", { email: "late@example.com", password: "yet another long one" })).status).toBe(409);
    const users = await send("GET", "/api/users", undefined, cookie);
    expect(users.body.users).toHaveLength(1);
    const audit = await send("GET", "/api/audit?action=auth.setup", undefined, cookie);
    expect(audit.body.events).toHaveLength(1);
    // With no trusted proxy, a client's own X-Forwarded-For is replaced by the socket's address.
    await fetch(`${app.baseUrl}/api/auth/sign-in`, { method: "POST", headers: { "content-type": "application/json", "x-forwarded-for": "6.6.6.6" }, body: JSON.stringify({ email: "nobody@example.com", password: "a wrong password" }) });
    const failed = await send("GET", "/api/audit?action=auth.sign_in_failed", undefined, cookie);
    expect(failed.body.events[0].ip).toBe("127.0.0.1");
    // Pages cannot be framed.
    const page = await fetch(`${app.baseUrl}/sign-in`, { headers: { cookie } });
    expect(page.headers.get("x-frame-options")).toBe("DENY");
    expect(page.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
  });
});

describe("bootstrapping the first admin from the environment", () => {
  it("refuses to start with a weak RULEBOX_ADMIN_PASSWORD, naming the setting and not the password", async () => {
    const attempt = startServer({ RULEBOX_ADMIN_EMAIL: "ops@example.com", RULEBOX_ADMIN_PASSWORD: "hunter2" });
    const err = await attempt.then(
      async (s) => {
        await s.stop();
        return null;
      },
      (e: Error) => e,
    );
    expect(err?.message).toMatch(/RULEBOX_ADMIN_PASSWORD: the password must be at least 12 characters/);
    expect(err?.message).not.toContain("hunter2");
  });
});
