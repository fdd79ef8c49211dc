// The Python worker through the pool, in-process (no static check): the rule format, ctx, logs,
// the run clock, outcomes and tracebacks in the rule's own lines.
import { describe, expect, it } from "vitest";
import { PYTHON_PROBE_RULE, TEST_CLOCK, usePythonPool } from "../testing/pool-fixture";

const fixture = usePythonPool();

describe("Python rules in the pool", () => {
  it("runs def rule(input, ctx) with the input, ctx and captured logs", async () => {
    const source = [
      "from decimal import Decimal, ROUND_HALF_UP",
      "def rule(input, ctx):",
      "    ctx.log('items', len(input['items']))",
      "    print('rule', ctx.rule_id, ctx.version)",
      "    total = sum(Decimal(str(i['price'])) * i['qty'] for i in input['items'])",
      "    return {'total': total.quantize(Decimal('0.01'), ROUND_HALF_UP), 'now': ctx.now}",
    ].join("\n");
    const result = await fixture.run(source, { input: { items: [{ price: 19.99, qty: 3 }, { price: 0.05, qty: 1 }] }, ruleId: "r1", version: 4 });
    expect(result).toMatchObject({
      outcome: "ok",
      output: { total: "60.02", now: TEST_CLOCK },
      logs: [
        { level: "log", message: "items 2" },
        { level: "log", message: "rule r1 4" },
      ],
      clock: TEST_CLOCK,
    });
  });

  it("reads the run's clock in datetime.now(), date.today() and time.time()", async () => {
    const source = "import datetime, time\ndef rule(input, ctx):\n    return [datetime.datetime.now(datetime.timezone.utc).isoformat(), str(datetime.date.today()), time.time() * 1000]\n";
    const result = await fixture.run(source, { clock: Date.UTC(2031, 4, 6, 7, 8, 9) });
    expect(result.output).toEqual(["2031-05-06T07:08:09+00:00", "2031-05-06", Date.UTC(2031, 4, 6, 7, 8, 9)]);
  });

  it("reports an exception with frames in the rule's own lines", async () => {
    const source = "def ratio(a, b):\n    return a / b\n\ndef rule(input, ctx):\n    return ratio(1, input)\n";
    const result = await fixture.run(source, { input: 0 });
    expect(result).toMatchObject({
      outcome: "error",
      error: {
        name: "ZeroDivisionError",
        message: "division by zero",
        frames: [
          { line: 2, column: 12, functionName: "ratio" },
          { line: 5, column: 12, functionName: "rule" },
        ],
      },
    });
  });

  it("reports a SyntaxError with its line and column", async () => {
    const result = await fixture.run("def rule(input, ctx)\n    return 1\n");
    expect(result).toMatchObject({ outcome: "error", error: { name: "SyntaxError", frames: [{ line: 1, column: 21 }] } });
  });

  it("asks for def rule when the module defines none", async () => {
    const result = await fixture.run("x = 1\n");
    expect(result).toMatchObject({ outcome: "error", error: { name: "TypeError", message: expect.stringContaining("def rule(input, ctx)") } });
  });

  it("returns Decimal as exact text and dates as ISO 8601; refuses NaN and sets", async () => {
    const ok = await fixture.run("import decimal, datetime\ndef rule(input, ctx):\n    return [decimal.Decimal('0.1') + decimal.Decimal('0.2'), datetime.date(2024, 2, 29)]\n");
    expect(ok.output).toEqual(["0.3", "2024-02-29"]);
    const nan = await fixture.run("def rule(input, ctx):\n    return float('nan')\n");
    expect(nan).toMatchObject({ outcome: "error", error: { name: "ValueError", message: expect.stringContaining("cannot be converted to JSON") } });
    const set = await fixture.run("def rule(input, ctx):\n    return {1, 2}\n");
    expect(set).toMatchObject({ outcome: "error", error: { name: "TypeError", message: expect.stringContaining("set") } });
  });

  it("answers a rule returning None with no output", async () => {
    const result = await fixture.run("def rule(input, ctx):\n    return None\n");
    expect(result.outcome).toBe("ok");
    expect(result.output).toBeNull();
  });

  it("keeps serving from one interpreter", async () => {
    for (let i = 0; i < 50; i++) expect(await fixture.run(PYTHON_PROBE_RULE, { input: i })).toMatchObject({ outcome: "ok", output: { ok: true, input: i } });
    expect(fixture.pool.stats().workerRestarts).toBe(0);
  });
});
