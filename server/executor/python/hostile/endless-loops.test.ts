// Attack: never return — a loop, a loop that catches the interrupt, a generator that never ends,
// deep recursion. Each ends as an outcome at its limit and the interpreter is reused.
import { expect, it } from "vitest";
import { PYTHON_PROBE_RULE, usePythonPool } from "../../testing/pool-fixture";

const fixture = usePythonPool();

it.each([
  ["while True", "def rule(input, ctx):\n    while True:\n        pass\n"],
  ["a loop at module level", "while True:\n    pass\ndef rule(input, ctx):\n    return 1\n"],
  ["catching the interrupt with BaseException", "def rule(input, ctx):\n    while True:\n        try:\n            while True:\n                pass\n        except BaseException:\n            pass\n"],
  ["bare except", "def rule(input, ctx):\n    while True:\n        try:\n            while True:\n                pass\n        except:\n            pass\n"],
  ["an endless generator", "import itertools\ndef rule(input, ctx):\n    return sum(x for x in itertools.count())\n"],
  ["while True in a generator", "def gen():\n    while True:\n        yield 1\ndef rule(input, ctx):\n    return list(gen())[:1]\n"],
])("interrupts %s at the limit and keeps the interpreter", async (_name, source) => {
  const result = await fixture.run(source, { limits: { timeoutMs: 100, memoryMb: 64 } });
  expect(["timeout", "memory"]).toContain(result.outcome);
  if (result.outcome === "timeout") expect(result.error).toMatchObject({ name: "TimeoutError", limit: { name: "timeoutMs", value: 100 } });
  expect(await fixture.run(PYTHON_PROBE_RULE)).toMatchObject({ outcome: "ok" });
  expect(fixture.pool.stats().workerRestarts).toBe(0);
});

it("answers `timeout` with the run's logs when writing the answer takes longer than the pool's 5 ms between interrupts", async () => {
  // 10,000 entries (~3 MB) to write after the loop is interrupted; the runner ignores repeated
  // interrupts once the answer is decided (runner.py, _PHASE), so none can garble it.
  const source = "def rule(input, ctx):\n    for i in range(10_000):\n        ctx.log('entry number', i, 'x' * 300)\n    while True:\n        pass\n";
  // A limit the logging loop itself stays well within, even on a loaded machine.
  const result = await fixture.run(source, { limits: { timeoutMs: 2_000, memoryMb: 64, maxLogBytes: 4_000_000 } });
  expect(result).toMatchObject({ outcome: "timeout", error: { name: "TimeoutError" } });
  expect(result.logs).toHaveLength(10_000);
  expect(await fixture.run(PYTHON_PROBE_RULE)).toMatchObject({ outcome: "ok" });
  expect(fixture.pool.stats().workerRestarts).toBe(0);
});

it("reports unbounded recursion as a RecursionError in the rule's lines", async () => {
  const result = await fixture.run("def f(n):\n    return f(n + 1)\ndef rule(input, ctx):\n    return f(0)\n");
  expect(result).toMatchObject({ outcome: "error", error: { name: "RecursionError" } });
  // The innermost frames are kept: f's own line.
  expect(result.error?.frames[0]).toMatchObject({ line: 2, functionName: "f" });
});
