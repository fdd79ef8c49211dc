import { describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { ERROR_CODES, statusOf, unauthorized } from "./errors";
import { defineRoute, json, MAX_JSON_DEPTH } from "./handler";

/** A request as a same-origin browser or a script sends it: a known Host, JSON. */
function testRequest(url: string, init: RequestInit = {}): Request {
  return new Request(url, { ...init, headers: { host: "localhost", "content-type": "application/json", ...(init.headers as Record<string, string>) } });
}

const echo = defineRoute(
  {
    access: "public",
    params: z.strictObject({ id: z.string().min(2) }),
    query: z.strictObject({ q: z.string().optional() }),
    body: z.strictObject({ source: z.string(), input: z.unknown().optional() }),
    fieldLimits: { source: 10, input: 20 },
    maxBodyBytes: 200,
  },
  async ({ params, query, body }) => json({ params, query, body }),
);

async function callEcho(body: string, { id = "ab", search = "" } = {}) {
  const res = await echo(testRequest(`http://test/x${search}`, { method: "POST", body }), { params: Promise.resolve({ id }) });
  return { status: res.status, body: (await res.json()) as unknown };
}

describe("defineRoute", () => {
  it("passes validated params, query and body to the handler", async () => {
    expect(await callEcho('{"source":"abc","input":[1]}', { search: "?q=z" })).toEqual({
      status: 200,
      body: { params: { id: "ab" }, query: { q: "z" }, body: { source: "abc", input: [1] } },
    });
  });

  it.each([
    ["{", 400, "bad_json"],
    ["", 400, "bad_json"],
    ['{"source":"abc","extra":1}', 422, "validation_failed"],
    ['{"source":"01234567890"}', 413, "payload_too_large"],
    ['{"source":"a","input":"0123456789012345678901"}', 413, "payload_too_large"],
    [`{"source":"a","input":"${"x".repeat(300)}"}`, 413, "payload_too_large"],
  ])("body %j → %i %s", async (body, status, code) => {
    const res = await callEcho(body);
    expect(res.status).toBe(status);
    expect(res.body).toMatchObject({ error: { code, message: expect.any(String) } });
  });

  it("refuses JSON nested deeper than the limit before measuring it", async () => {
    const deep = defineRoute({ access: "public", body: z.unknown() }, async () => json({}));
    const body = "[".repeat(MAX_JSON_DEPTH + 1) + "]".repeat(MAX_JSON_DEPTH + 1);
    const res = await deep(testRequest("http://test/", { method: "POST", body }), { params: Promise.resolve({}) });
    expect(res.status).toBe(422);
    expect(await res.json()).toMatchObject({ error: { code: "validation_failed", details: [{ code: "too_deep" }] } });
  });

  it("reports bad params and query with their location in the path", async () => {
    expect((await callEcho('{"source":"a"}', { id: "a" })).body).toMatchObject({ error: { code: "validation_failed", details: [{ path: ["params", "id"] }] } });
    expect((await callEcho('{"source":"a"}', { search: "?other=1" })).body).toMatchObject({ error: { code: "validation_failed", details: [{ path: ["query"] }] } });
  });

  it("hides unexpected errors behind a reference", async () => {
    const failing = defineRoute({ access: "public" }, async () => {
      throw new Error("secret detail");
    });
    const log = vi.spyOn(console, "error").mockImplementation(() => undefined);
    try {
      const res = await failing(testRequest("http://test/"), { params: Promise.resolve({}) });
      expect(res.status).toBe(500);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe("internal");
      expect(body.error.message).not.toContain("secret");
      expect(log).toHaveBeenCalledOnce();
    } finally {
      log.mockRestore();
    }
  });
});

describe("defineRoute authorize", () => {
  it("refuses before the body is read, with the envelope and a WWW-Authenticate challenge", async () => {
    const handler = vi.fn(async () => json({}));
    const guarded = defineRoute({ access: "apiKey", authorize: async () => Promise.reject(unauthorized("no key")), body: z.unknown() }, handler);
    let pulled = false;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled = true;
        controller.enqueue(new TextEncoder().encode("{}"));
        controller.close();
      },
      // highWaterMark 0: nothing is pulled until someone reads.
    }, { highWaterMark: 0 });
    const res = await guarded(testRequest("http://test/", { method: "POST", body, duplex: "half" } as RequestInit), { params: Promise.resolve({}) });
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toMatch(/^Bearer\b/);
    expect(await res.json()).toEqual({ error: { code: "unauthorized", message: "no key" } });
    expect(pulled).toBe(false);
    expect(handler).not.toHaveBeenCalled();
  });

  it("lets an authorized request through to validation and the handler", async () => {
    const guarded = defineRoute({ access: "apiKey", authorize: async () => undefined, body: z.strictObject({ a: z.number() }) }, async ({ body }) => json(body));
    const res = await guarded(testRequest("http://test/", { method: "POST", body: '{"a":1}' }), { params: Promise.resolve({}) });
    expect({ status: res.status, body: await res.json() }).toEqual({ status: 200, body: { a: 1 } });
  });
});

describe("error codes", () => {
  it("map to the documented statuses", () => {
    expect(Object.fromEntries(ERROR_CODES.map((c) => [c, statusOf(c)]))).toEqual({
      bad_json: 400,
      validation_failed: 422,
      not_found: 404,
      conflict: 409,
      payload_too_large: 413,
      throttled: 429,
      busy: 503,
      unauthorized: 401,
      forbidden: 403,
      internal: 500,
    });
  });
});
