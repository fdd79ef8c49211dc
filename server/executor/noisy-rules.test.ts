import { describe, expect, it } from "vitest";
import { NoisyRules } from "./noisy-rules";

const loop = { source: "export default () => { for (;;) {} }", language: "javascript" };
const fine = { source: "export default () => 1", language: "javascript" };

describe("NoisyRules", () => {
  it("marks a rule noisy after a timeout, memory or crashed run, and only that rule", () => {
    for (const outcome of ["timeout", "memory", "crashed"] as const) {
      const noisy = new NoisyRules();
      expect(noisy.has(loop)).toBe(false);
      noisy.observe(loop, outcome);
      expect(noisy.has(loop)).toBe(true);
      expect(noisy.has(fine)).toBe(false);
      expect(noisy.has({ ...loop, language: "typescript" })).toBe(false);
    }
  });

  it("does not mark runs that ended within their limits, and acquits on one", () => {
    const noisy = new NoisyRules();
    for (const outcome of ["ok", "error", "output_limit", "blocked"] as const) noisy.observe(fine, outcome);
    expect(noisy.size).toBe(0);
    noisy.observe(loop, "timeout");
    noisy.observe(loop, "blocked");
    expect(noisy.has(loop)).toBe(true);
    noisy.observe(loop, "ok");
    expect(noisy.has(loop)).toBe(false);
  });

  it("forgets after forgetMs and keeps at most maxEntries sources", () => {
    let now = 0;
    const noisy = new NoisyRules({ forgetMs: 1_000, maxEntries: 2, now: () => now });
    noisy.observe(loop, "timeout");
    now = 1_001;
    expect(noisy.has(loop)).toBe(false);
    for (let i = 0; i < 3; i++) noisy.observe({ source: `rule ${i}`, language: "javascript" }, "timeout");
    expect(noisy.size).toBe(2);
    expect(noisy.has({ source: "rule 0", language: "javascript" })).toBe(false);
    expect(noisy.has({ source: "rule 2", language: "javascript" })).toBe(true);
  });
});
