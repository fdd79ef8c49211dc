import { describe, expect, it } from "vitest";
import { workspaceFingerprint } from "./fingerprint";

describe("workspaceFingerprint", () => {
  const base = { latestVersion: 2, archived: false, testCases: [{ id: "a", updatedAt: "2026-12-02T10:00:00.000Z" }] };
  it("is stable for the same data", () => {
    expect(workspaceFingerprint(base)).toBe(workspaceFingerprint({ ...base, testCases: [...base.testCases] }));
  });
  it("changes with a new version, archiving, or a test case added or edited", () => {
    const fp = workspaceFingerprint(base);
    expect(workspaceFingerprint({ ...base, latestVersion: 3 })).not.toBe(fp);
    expect(workspaceFingerprint({ ...base, archived: true })).not.toBe(fp);
    expect(workspaceFingerprint({ ...base, testCases: [...base.testCases, { id: "b", updatedAt: "2026-12-02T10:00:00.000Z" }] })).not.toBe(fp);
    expect(workspaceFingerprint({ ...base, testCases: [{ id: "a", updatedAt: "2026-12-02T11:00:00.000Z" }] })).not.toBe(fp);
  });
});
