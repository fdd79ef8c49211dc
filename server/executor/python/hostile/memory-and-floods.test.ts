// Attack: exhaust memory, build huge integers and strings, flood the output and the logs.
import { expect, it } from "vitest";
import { PYTHON_PROBE_RULE, usePythonPool } from "../../testing/pool-fixture";

const fixture = usePythonPool();

it("ends a memory bomb as `memory` at the WebAssembly cap and keeps serving", async () => {
  const bomb = await fixture.run("def rule(input, ctx):\n    keep = []\n    while True:\n        keep.append('x' * 1_000_000)\n", { limits: { timeoutMs: 5_000 } });
  expect(bomb).toMatchObject({ outcome: "memory", error: { name: "MemoryLimitError", limit: { name: "memoryMb", value: 64 } } });
  const big = await fixture.run("def rule(input, ctx):\n    return len(bytearray(512 * 1024 * 1024))\n");
  expect(big.outcome).toBe("memory");
  expect(await fixture.run(PYTHON_PROBE_RULE)).toMatchObject({ outcome: "ok" });
});

it("refuses to print a huge integer (CPython's digit limit) as a rule error", async () => {
  const result = await fixture.run("def rule(input, ctx):\n    return str(10 ** 100000)\n");
  expect(result).toMatchObject({ outcome: "error", error: { name: "ValueError" } });
});

it("ends an output flood as output_limit before building it", async () => {
  const result = await fixture.run("def rule(input, ctx):\n    s = 'x' * 100_000\n    return [s] * 1_000_000\n", { limits: { timeoutMs: 2_000 } });
  expect(result).toMatchObject({ outcome: "output_limit", error: { limit: { name: "maxOutputBytes", value: 65_536 } } });
});

it("bounds the logs and says they were truncated", async () => {
  const result = await fixture.run("def rule(input, ctx):\n    for i in range(100_000):\n        print('spam', i)\n    ctx.log('x' * 10_000_000)\n    return 'done'\n", { limits: { timeoutMs: 5_000 } });
  expect(result).toMatchObject({ outcome: "ok", output: "done", logsTruncated: true });
  const bytes = result.logs.reduce((n, e) => n + Buffer.byteLength(e.message), 0);
  expect(bytes).toBeLessThanOrEqual(16_384);
});

it("refuses an output nested deeper than inputs may be", async () => {
  const result = await fixture.run("def rule(input, ctx):\n    x = []\n    for _ in range(200):\n        x = [x]\n    return x\n");
  expect(result).toMatchObject({ outcome: "error", error: { name: "OutputError" } });
});
