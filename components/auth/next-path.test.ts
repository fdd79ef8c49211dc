import { describe, expect, it } from "vitest";
import { safeNextPath, signInHref } from "./next-path";

describe("safeNextPath", () => {
  it.each(["/", "/rules/abc", "/audit?action=key.revoke", "/rules/x#runs"])("keeps the same-origin path %s", (path) => {
    expect(safeNextPath(path)).toBe(path);
  });

  it.each([
    ["another origin", "https://evil.example/"],
    ["protocol-relative", "//evil.example/x"],
    ["backslash (read as a slash by browsers)", "/\\evil.example"],
    ["javascript: URL", "javascript:alert(1)"],
    ["relative without a slash", "rules/x"],
    ["a newline", "/rules\n//evil.example"],
    ["a tab", "/\t/evil.example"],
    ["the sign-in page itself", "/sign-in?next=/"],
    ["the setup page", "/setup"],
    ["empty", ""],
    ["not a string", ["/"]],
  ])("refuses %s", (_label, value) => {
    expect(safeNextPath(value)).toBeNull();
  });
});

describe("signInHref", () => {
  it("carries a safe path and drops the rest", () => {
    expect(signInHref("/rules/a b")).toBe("/sign-in?next=%2Frules%2Fa%20b");
    expect(signInHref("/")).toBe("/sign-in");
    expect(signInHref("//evil.example")).toBe("/sign-in");
    expect(signInHref(null)).toBe("/sign-in");
  });
});
