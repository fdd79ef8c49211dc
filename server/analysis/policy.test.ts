import { describe, expect, it } from "vitest";
import blocklist from "./blocklist.json";
import { parsePolicy, POLICY } from "./policy";

function mutated(change: (policy: typeof blocklist) => void): unknown {
  const copy = structuredClone(blocklist);
  change(copy);
  return copy;
}

describe("parsePolicy", () => {
  it("accepts the shipped blocklist", () => {
    expect(parsePolicy(blocklist)).toEqual(POLICY);
  });

  it.each<[string, (p: typeof blocklist) => void, RegExp]>([
    ["a malformed code", (p) => void (p.blockedGlobals.code = "X1"), /RB123/],
    ["a duplicate global", (p) => void p.blockedGlobals.entries.push({ ...p.blockedGlobals.entries[0]! }), /duplicate entry "eval"/],
    ["an unknown syntax kind", (p) => void ((p.blockedSyntax[0] as { syntax: string }).syntax = "goto"), /blockedSyntax/],
    ["a duplicate syntax kind", (p) => void p.blockedSyntax.push({ ...p.blockedSyntax[0]! }), /duplicate syntax "with"/],
    ["a code reused for another meaning", (p) => void (p.blockedMembers.code = p.blockedGlobals.code), /RB201 is used by both/],
    ["a non-blocking analyzer failure", (p) => void (p.checks.analyzerFailure.severity = "warning"), /analyzerFailure must be an error/],
    ["an unknown field", (p) => void ((p as Record<string, unknown>).extra = true), /extra/],
    ["a missing check", (p) => void delete (p.checks as Partial<typeof p.checks>).missingDefaultExport, /missingDefaultExport/],
    ["an empty allowlist", (p) => void (p.allowedModules = []), /allowedModules/],
  ])("rejects %s (fail closed at load)", (_name, change, message) => {
    expect(() => parsePolicy(mutated(change))).toThrow(message);
  });

  it("rejects a document that is not a policy at all", () => {
    expect(() => parsePolicy(null)).toThrow(/Invalid analyzer policy/);
    expect(() => parsePolicy("[]")).toThrow(/Invalid analyzer policy/);
  });
});
