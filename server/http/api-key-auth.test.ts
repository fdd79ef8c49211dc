import { describe, expect, it } from "vitest";
import { readPresentedApiKey } from "./api-key-auth";

describe("readPresentedApiKey", () => {
  it.each<[string, Record<string, string>, string | null]>([
    ["no header", {}, null],
    ["a Bearer token", { authorization: "Bearer rbx_abc" }, "rbx_abc"],
    ["the scheme in any case, extra spaces", { authorization: "bearer   rbx_abc  " }, "rbx_abc"],
    ["X-API-Key", { "x-api-key": " rbx_abc " }, "rbx_abc"],
    ["Authorization wins over X-API-Key", { authorization: "Bearer rbx_a", "x-api-key": "rbx_b" }, "rbx_a"],
    ["another scheme (presented, but not a key)", { authorization: "Basic dXNlcjpwYXNz" }, ""],
    ["Bearer without a token", { authorization: "Bearer" }, ""],
    ["a token with spaces inside", { authorization: "Bearer a b" }, ""],
  ])("%s", (_, headers, expected) => {
    expect(readPresentedApiKey(new Headers(headers))).toBe(expected);
  });
});
