import { describe, expect, it } from "vitest";
import { checkSameOriginJson } from "./browser-guard";
import { allowedHosts, isAllowedHost } from "./hosts";

const post = (headers: Record<string, string>) => new Request("http://localhost:3000/api/keys", { method: "POST", headers: { host: "localhost:3000", ...headers } });
const reasonOf = (request: Request) => {
  try {
    checkSameOriginJson(request);
    return "accepted";
  } catch (err) {
    return (err as { details?: { reason?: string } }).details?.reason ?? String(err);
  }
};

describe("Host allowlist (DNS rebinding)", () => {
  it("defaults to the bound name and loopback names with the served port", () => {
    const rules = allowedHosts({ HOSTNAME: "rules.internal", PORT: "3000" } as unknown as NodeJS.ProcessEnv);
    expect(isAllowedHost("localhost:3000", rules)).toBe(true);
    expect(isAllowedHost("127.0.0.1:3000", rules)).toBe(true);
    expect(isAllowedHost("[::1]:3000", rules)).toBe(true);
    expect(isAllowedHost("RULES.internal:3000", rules)).toBe(true);
    expect(isAllowedHost("evil.example:3000", rules)).toBe(false);
    expect(isAllowedHost("localhost:3001", rules)).toBe(false);
    expect(isAllowedHost("localhost.evil.example:3000", rules)).toBe(false);
    expect(isAllowedHost("", rules)).toBe(false);
    expect(isAllowedHost(null, rules)).toBe(false);
  });

  it("takes RULEBOX_ALLOWED_HOSTS instead when set; a bare name matches any port", () => {
    const rules = allowedHosts({ RULEBOX_ALLOWED_HOSTS: "rulebox.example.com, ide.example.com:8443", PORT: "3000" } as unknown as NodeJS.ProcessEnv);
    expect(isAllowedHost("rulebox.example.com", rules)).toBe(true);
    expect(isAllowedHost("rulebox.example.com:443", rules)).toBe(true);
    expect(isAllowedHost("ide.example.com:8443", rules)).toBe(true);
    expect(isAllowedHost("ide.example.com:9000", rules)).toBe(false);
    expect(isAllowedHost("localhost:3000", rules)).toBe(false);
  });

  it("refuses a malformed setting loudly", () => {
    expect(() => allowedHosts({ RULEBOX_ALLOWED_HOSTS: "http://x/y" } as unknown as NodeJS.ProcessEnv)).toThrow(/RULEBOX_ALLOWED_HOSTS/);
  });
});

describe("same-origin JSON (CSRF)", () => {
  it.each([
    ["text/plain from another site", { "content-type": "text/plain", origin: "http://evil.example" }, "not_json"],
    ["a form post", { "content-type": "application/x-www-form-urlencoded", origin: "http://evil.example" }, "not_json"],
    ["multipart", { "content-type": "multipart/form-data; boundary=x" }, "not_json"],
    ["no content type", {}, "not_json"],
    ["JSON from a foreign Origin", { "content-type": "application/json", origin: "http://evil.example" }, "cross_site"],
    ["JSON from the same name on another port", { "content-type": "application/json", origin: "http://localhost:3001" }, "cross_site"],
    ["JSON with Origin null (sandboxed frame)", { "content-type": "application/json", origin: "null" }, "cross_site"],
    ["JSON marked cross-site without Origin", { "content-type": "application/json", "sec-fetch-site": "cross-site" }, "cross_site"],
    ["JSON marked same-site (a sibling subdomain) without Origin", { "content-type": "application/json", "sec-fetch-site": "same-site" }, "cross_site"],
    ["same-origin JSON", { "content-type": "application/json; charset=utf-8", origin: "http://localhost:3000" }, "accepted"],
    ["same-origin JSON by Sec-Fetch-Site", { "content-type": "application/json", "sec-fetch-site": "same-origin" }, "accepted"],
    ["JSON from a script (no browser headers)", { "content-type": "application/json" }, "accepted"],
  ])("%s → %s", (_label, headers, expected) => {
    expect(reasonOf(post(headers))).toBe(expected);
  });

  it("lets a bodiless DELETE through without a content type, but not from another origin", () => {
    const del = (headers: Record<string, string>) => new Request("http://localhost:3000/api/keys/k1", { method: "DELETE", headers: { host: "localhost:3000", ...headers } });
    expect(reasonOf(del({ origin: "http://localhost:3000" }))).toBe("accepted");
    expect(reasonOf(del({ origin: "http://evil.example" }))).toBe("cross_site");
  });

  it("lets reads through whatever their origin", () => {
    expect(reasonOf(new Request("http://localhost:3000/api/rules", { headers: { origin: "http://evil.example" } }))).toBe("accepted");
  });
});
