import { describe, expect, it } from "vitest";
import { decodeRunCursor, encodeRunCursor } from "./runs";

describe("run cursors", () => {
  it("round-trip a page position", () => {
    const cursor = { createdAt: new Date("2026-01-02T03:04:05.678Z"), id: "cmwvgujll0000fo7d3e11txl1" };
    expect(decodeRunCursor(encodeRunCursor(cursor))).toEqual(cursor);
  });

  it.each([
    ["not base64 json", "bm9wZQ"],
    ["empty", ""],
    ["wrong shape", Buffer.from(JSON.stringify({ t: "x", id: "a" })).toString("base64url")],
    ["extra field", Buffer.from(JSON.stringify({ t: 1, id: "a", more: 1 })).toString("base64url")],
    ["id with NUL", Buffer.from(JSON.stringify({ t: 1, id: "a\u0000" })).toString("base64url")],
  ])("reject %s", (_, text) => {
    expect(decodeRunCursor(text)).toBeNull();
  });
});
