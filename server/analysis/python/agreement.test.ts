// The static check and the runtime agree: every escape or policy case the analyzer blocks with an
// error (analyze-python's table) is refused by the Python worker too when the static check is
// bypassed (the pool runs the source directly: pool-fixture.ts). A case that ran "ok" here would be
// a runtime hole the static check alone was covering.
import { expect, it } from "vitest";
import { usePythonPool } from "../../executor/testing/pool-fixture";
import { analyzePython } from "./analyze-python";
import { BLOCKED_CASES } from "./python-cases";

const fixture = usePythonPool();

// Codes whose runtime answer is not a refusal, and why that is harmless:
// - RB640, RB641: the runtime narrows such an except clause (`__rbx_catchable__`: BaseException
//   becomes Exception, the other uncatchables are taken out), so the handler runs and cannot
//   swallow the time limit; refusing it statically just says so early.
// - RB650, RB651: the entry point's shape, not an escape: the runtime answers a missing or
//   non-function `rule` with a TypeError, an `async def rule` with a TypeError (a coroutine is not
//   JSON), and runs a `rule = lambda …` under the same guards as a def.
// - hasattr with a blocked name (RB633): the runtime answers False, as for a missing attribute
//   (guarded_hasattr), which gives nothing away: asserted below.
const NOT_REFUSED_AT_RUNTIME = new Set(["RB640", "RB641", "RB650", "RB651"]);
const REFUSALS = ["PolicyError", "NameError", "ImportError", "AttributeError"];

const cases = BLOCKED_CASES.filter(([source, expected]) => {
  const code = expected.split("@")[0]!;
  if (code === "RB601" || NOT_REFUSED_AT_RUNTIME.has(code) || source.includes("hasattr(")) return false;
  return analyzePython(source).some((d) => d.code === code && d.severity === "error");
});

it("covers the table's escape and policy cases", () => {
  expect(cases.length).toBeGreaterThan(40);
});

it.each(cases)("the runtime refuses %j too", async (source) => {
  const result = await fixture.run(source, { input: { amount: 1 } });
  expect(result.outcome, JSON.stringify(result)).toBe("error");
  expect(REFUSALS, JSON.stringify(result.error)).toContain(result.error?.name);
});

it("answers hasattr of a blocked name with False at runtime", async () => {
  const result = await fixture.run("def rule(input, ctx):\n    return [hasattr((), '_' '_class__'), hasattr((), '__class__'), hasattr(iter([]), 'gi_frame')]\n");
  expect(result).toMatchObject({ outcome: "ok", output: [false, false, false] });
});
