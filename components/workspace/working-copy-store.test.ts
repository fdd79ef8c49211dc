import { describe, expect, it } from "vitest";
import { clearWorkingCopy, readWorkingCopy, writeWorkingCopy } from "./working-copy-store";

function memoryStore() {
  const map = new Map<string, string>();
  return {
    map,
    getItem: (k: string) => map.get(k) ?? null,
    setItem: (k: string, v: string) => void map.set(k, v),
    removeItem: (k: string) => void map.delete(k),
  };
}

describe("working copy store", () => {
  it("keeps a working copy per rule and clears it", () => {
    const store = memoryStore();
    const copy = { source: "export default () => 1", language: "javascript" as const, baseVersion: 2, savedAt: 5 };
    writeWorkingCopy("a", copy, store);
    expect(readWorkingCopy("a", store)).toEqual(copy);
    expect(readWorkingCopy("b", store)).toBeNull();
    clearWorkingCopy("a", store);
    expect(readWorkingCopy("a", store)).toBeNull();
  });

  it("ignores what it cannot read: broken JSON, a wrong shape, a throwing storage", () => {
    const store = memoryStore();
    store.map.set("rulebox:working-copy:a", "{not json");
    expect(readWorkingCopy("a", store)).toBeNull();
    store.map.set("rulebox:working-copy:a", JSON.stringify({ source: 1 }));
    expect(readWorkingCopy("a", store)).toBeNull();
    const throwing = { getItem: () => { throw new Error("denied"); }, setItem: () => { throw new Error("quota"); }, removeItem: () => { throw new Error("denied"); } };
    expect(readWorkingCopy("a", throwing)).toBeNull();
    expect(() => writeWorkingCopy("a", { source: "", language: "typescript", baseVersion: null, savedAt: 0 }, throwing)).not.toThrow();
    expect(() => clearWorkingCopy("a", throwing)).not.toThrow();
  });
});
