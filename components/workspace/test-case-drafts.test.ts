import { describe, expect, it } from "vitest";
import { canSaveDraft, draftFromStored, isDraftDirty, judgeCase, parseJsonText, validateDraft } from "./test-case-drafts";
import { isDeepStrictEqualJson } from "./json-equal";

describe("test case drafts", () => {
  it("rejects invalid and empty JSON with a message", () => {
    expect(parseJsonText("{").ok).toBe(false);
    expect(parseJsonText("  ").ok).toBe(false);
    expect(parseJsonText('{"a":1}')).toEqual({ ok: true, value: { a: 1 } });
  });

  it("tracks unsaved edits against the stored snapshot", () => {
    const d = draftFromStored({ id: "c1", name: "Sample", input: { a: 1 }, hasExpectedOutput: false });
    expect(isDraftDirty(d)).toBe(false);
    expect(isDraftDirty({ ...d, inputText: '{"a":2}' })).toBe(true);
    expect(isDraftDirty({ ...d, expectEnabled: true })).toBe(true);
  });

  it("cannot save while the input or the expectation is invalid", () => {
    const d = draftFromStored({ id: "c1", name: "Sample", input: {}, hasExpectedOutput: true, expectedOutput: null });
    expect(canSaveDraft(validateDraft(d))).toBe(true);
    expect(canSaveDraft(validateDraft({ ...d, expectedText: "nope" }))).toBe(false);
    expect(canSaveDraft(validateDraft({ ...d, name: " " }))).toBe(false);
  });

  it("judges pass only for ok runs whose output equals the expectation", () => {
    const expected = parseJsonText('{"b":[1,2],"a":1}');
    expect(judgeCase("ok", { a: 1, b: [1, 2] }, expected)).toBe("pass");
    expect(judgeCase("ok", { a: 1, b: [2, 1] }, expected)).toBe("fail");
    expect(judgeCase("error", undefined, expected)).toBe("fail");
    expect(judgeCase("ok", 1, null)).toBe("ran");
  });

  it("compares JSON values structurally", () => {
    expect(isDeepStrictEqualJson({ a: [1, { b: null }] }, { a: [1, { b: null }] })).toBe(true);
    expect(isDeepStrictEqualJson({ a: 1 }, { a: 1, b: 2 })).toBe(false);
    expect(isDeepStrictEqualJson([], {})).toBe(false);
    expect(isDeepStrictEqualJson(null, {})).toBe(false);
  });
});
