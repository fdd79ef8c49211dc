import { describe, expect, it } from "vitest";
import { CrashQuarantine, isProcessAbort } from "./quarantine";

const BOMB = { source: "export default () => { const m = new Map(); for (let i = 0; ; i++) m.set(i, i); }", language: "javascript" };
const BENIGN = { source: "export default (x) => x", language: "javascript" };

function clock(start = 1_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe("isProcessAbort", () => {
  it.each([
    [null, "SIGABRT", true],
    [null, "SIGSEGV", true],
    [134, null, true],
    [null, "SIGKILL", false],
    [null, "SIGTERM", false],
    [0, null, false],
    [70, null, false],
  ] as const)("code %s signal %s → %s", (code, signal, expected) => {
    expect(isProcessAbort(code, signal)).toBe(expected);
  });
});

describe("CrashQuarantine", () => {
  it("quarantines a source in flight during two aborts, and only for quarantineMs", () => {
    const c = clock();
    const q = new CrashQuarantine({ quarantineMs: 60_000, now: c.now });
    expect(q.implicate([BOMB, BENIGN])).toBe(0);
    expect(q.check(BOMB)).toBeUndefined();
    q.acquit(BENIGN); // the benign rule then completed normally
    expect(q.implicate([BOMB, BENIGN])).toBe(1);
    expect(q.check(BOMB)).toMatchObject({ aborts: 2 });
    expect(q.check(BENIGN)).toBeUndefined();
    expect(q.check({ ...BOMB, language: "typescript" })).toBeUndefined();
    expect(q.size).toBe(1);
    c.advance(60_001);
    expect(q.check(BOMB)).toBeUndefined();
    expect(q.size).toBe(0);
  });

  it("lets suspicion fade after suspicionMs", () => {
    const c = clock();
    const q = new CrashQuarantine({ suspicionMs: 1_000, now: c.now });
    q.implicate([BOMB]);
    c.advance(2_000);
    expect(q.implicate([BOMB])).toBe(0);
    expect(q.check(BOMB)).toBeUndefined();
  });

  it("stays bounded", () => {
    const q = new CrashQuarantine({ threshold: 1, maxEntries: 3 });
    q.implicate(Array.from({ length: 10 }, (_, i) => ({ source: `s${i}`, language: "javascript" })));
    expect(q.size).toBe(3);
    expect(q.check({ source: "s9", language: "javascript" })).toBeDefined();
    expect(q.check({ source: "s0", language: "javascript" })).toBeUndefined();
  });
});
