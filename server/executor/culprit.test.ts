// Culprit keys (culprit.ts): what the noisy lane and the crash quarantine remember a run by. Found
// by an adversarial review: keyed by a hash of the source, a whitespace change walked around both.
import { describe, expect, it } from "vitest";
import { culpritOf, fingerprintSource, ruleCulprit } from "./culprit";
import { CrashQuarantine } from "./quarantine";
import { NoisyRules } from "./noisy-rules";

const LOOP = "export default () => { for (;;) {} };";
const VARIANTS = [
  "export default () => {\n  for (;;) {}\n};",
  "export default () => { for (;;) {} }; // again",
  "/* v2 */ export default   () => { for (;;) { /* spin */ } };",
  "export default () => { for (;;) {} };\n\n\n",
];

describe("culpritOf", () => {
  it("gives reformatted or commented copies of a source the same key", () => {
    const key = culpritOf({ source: LOOP, language: "javascript" });
    for (const variant of VARIANTS) expect(culpritOf({ source: variant, language: "javascript" }), variant).toBe(key);
  });

  it("tells different programs, strings and languages apart", () => {
    const key = fingerprintSource(LOOP, "javascript");
    expect(fingerprintSource("export default () => { for (;;) { 1; } };", "javascript")).not.toBe(key);
    expect(fingerprintSource(`export default () => "a b";`, "javascript")).not.toBe(fingerprintSource(`export default () => "a  b";`, "javascript"));
    expect(fingerprintSource(LOOP, "typescript")).not.toBe(key);
    expect(fingerprintSource("export default (x: number) => x;", "typescript")).not.toBe(fingerprintSource("export default (x: string) => x;", "typescript"));
  });

  it("gives reformatted or commented copies of a Python source the same key, and different programs different keys", () => {
    const loop = "def rule(input, ctx):\n    while True:\n        pass\n";
    const key = culpritOf({ source: loop, language: "python" });
    for (const variant of ["# spin\ndef rule(input, ctx):\n    while True:\n        pass  # forever\n", "def rule( input , ctx ):\n    while True:\n        pass\n\n\n"]) {
      expect(culpritOf({ source: variant, language: "python" }), variant).toBe(key);
    }
    expect(fingerprintSource("def rule(input, ctx):\n    while True:\n        x = 1\n", "python")).not.toBe(fingerprintSource(loop, "python"));
    expect(fingerprintSource('def rule(input, ctx):\n    return "a b"\n', "python")).not.toBe(fingerprintSource('def rule(input, ctx):\n    return "a  b"\n', "python"));
  });

  it("keys a saved rule's runs by the rule, whatever its source", () => {
    expect(culpritOf({ source: LOOP, language: "javascript", culprit: ruleCulprit("r1") })).toBe("rule:r1");
    expect(culpritOf({ source: "export default () => 1;", language: "javascript", culprit: ruleCulprit("r1") })).toBe("rule:r1");
  });

  it("still keys a source that does not parse", () => {
    expect(culpritOf({ source: "export default ((", language: "javascript" })).toMatch(/^source:/);
  });
});

describe("noisy lane and quarantine by culprit", () => {
  it("keep a noisy source noisy after a whitespace change", () => {
    const noisy = new NoisyRules();
    noisy.observe({ source: LOOP, language: "javascript" }, "timeout");
    for (const variant of VARIANTS) expect(noisy.has({ source: variant, language: "javascript" }), variant).toBe(true);
  });

  it("keep a quarantined source refused after a whitespace change, and a saved rule by its id", () => {
    const quarantine = new CrashQuarantine({ threshold: 2 });
    quarantine.implicate([{ source: LOOP, language: "javascript" }]);
    quarantine.implicate([{ source: VARIANTS[0]!, language: "javascript" }]);
    for (const variant of VARIANTS) expect(quarantine.check({ source: variant, language: "javascript" }), variant).toBeDefined();

    const bomb = { source: "export default () => 1;", language: "javascript", culprit: ruleCulprit("r2") };
    quarantine.implicate([bomb]);
    quarantine.implicate([{ ...bomb, source: "export default () => 2; // new version" }]);
    expect(quarantine.check({ ...bomb, source: "export default () => 3;" })).toBeDefined();
    // Unsaved source that names the rule is not the rule: no one can get a victim rule refused.
    expect(quarantine.check({ source: "export default () => 1;", language: "javascript" })).toBeUndefined();
  });
});
