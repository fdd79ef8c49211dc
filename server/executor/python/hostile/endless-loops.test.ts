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
  // Swallowing the interrupt (each once cost a worker restart at the pool's hard deadline): after
  // the limit, the runner raises it again at every step of the rule's own code (sys.monitoring).
  ["a context manager whose __exit__ returns True", "class Swallow:\n    def __enter__(self):\n        return self\n    def __exit__(self, *exc):\n        return True\ndef rule(input, ctx):\n    while True:\n        with Swallow():\n            while True:\n                pass\n"],
  ["nested swallowing context managers in recursion", "class Swallow:\n    def __enter__(self):\n        return self\n    def __exit__(self, *exc):\n        return True\ndef f(n):\n    with Swallow():\n        return f(n + 1)\ndef rule(input, ctx):\n    while True:\n        with Swallow():\n            f(0)\n"],
  ["a __del__ that loops (its exceptions are ignored)", "class D:\n    def __del__(self):\n        while True:\n            pass\ndef rule(input, ctx):\n    while True:\n        D()\n"],
  ["a generator whose finally loops, closed by the collector", "def gen():\n    try:\n        while True:\n            yield 1\n    finally:\n        while True:\n            pass\ndef rule(input, ctx):\n    while True:\n        g = gen()\n        next(g)\n        del g\n"],
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

it("ends a source nested 10^5 deep as a clean compile error, without a restart", async () => {
  for (const expression of ["not ".repeat(100_000) + "1", "-".repeat(100_000) + "1", "2" + " ** 2".repeat(100_000), "(".repeat(100_000) + "1" + ")".repeat(100_000)]) {
    const result = await fixture.run(`x = ${expression}\ndef rule(input, ctx):\n    return 1\n`);
    expect(result).toMatchObject({ outcome: "error", error: { name: expect.stringMatching(/SyntaxError|MemoryError|RecursionError/) } });
  }
  expect(await fixture.run(PYTHON_PROBE_RULE)).toMatchObject({ outcome: "ok" });
  expect(fixture.pool.stats().workerRestarts).toBe(0);
});

it("reports unbounded recursion as a RecursionError in the rule's lines", async () => {
  const result = await fixture.run("def f(n):\n    return f(n + 1)\ndef rule(input, ctx):\n    return f(0)\n");
  expect(result).toMatchObject({ outcome: "error", error: { name: "RecursionError" } });
  // The innermost frames are kept: f's own line.
  expect(result.error?.frames[0]).toMatchObject({ line: 2, functionName: "f" });
});
