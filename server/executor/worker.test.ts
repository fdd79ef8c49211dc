import { describe, expect, it } from "vitest";
import { PROBE_RULE, TEST_CLOCK, usePool } from "./testing/pool-fixture";

const fixture = usePool();

describe("rule worker", () => {
  it("runs a sync rule with lodash and returns its output", async () => {
    const result = await fixture.run(
      `import _ from "lodash";\nexport default function rule(input, ctx) {\n  return { total: _.sumBy(input.items, "price") };\n}\n`,
      { input: { items: [{ price: 2 }, { price: 3 }] } },
    );
    expect(result).toMatchObject({ outcome: "ok", output: { total: 5 }, clock: TEST_CLOCK, logs: [] });
    expect(result.durationMs).toBeGreaterThanOrEqual(0);
    expect(result.memoryBytes).toBeGreaterThanOrEqual(0);
  });

  it("captures console.* and ctx.log with their levels", async () => {
    const result = await fixture.run(
      `export default function (input, ctx) {\n  console.log("a", 1, { b: [2] });\n  console.warn("w");\n  console.error(new TypeError("t"));\n  ctx.log("from ctx", null, undefined);\n  return 1;\n}\n`,
    );
    expect(result.outcome).toBe("ok");
    expect(result.logs).toEqual([
      { level: "log", message: 'a 1 {"b":[2]}' },
      { level: "warn", message: "w" },
      { level: "error", message: "TypeError: t" },
      { level: "log", message: "from ctx null undefined" },
    ]);
    expect(result.logsTruncated).toBeUndefined();
  });

  it("fixes the clock: Date.now, new Date(), Date(), dayjs() and ctx.now read the run's clock", async () => {
    const result = await fixture.run(
      `import dayjs from "dayjs";\nimport _ from "lodash";\nexport default (input, ctx) => ({\n  now: Date.now(), date: new Date().getTime(), str: Date() === new Date(${TEST_CLOCK}).toString(),\n  explicit: new Date(0).getTime(), day: dayjs().valueOf(), lodash: _.now(), ctx: ctx.now,\n  isDate: new Date() instanceof Date,\n});\n`,
    );
    expect(result.output).toEqual({ now: TEST_CLOCK, date: TEST_CLOCK, str: true, explicit: 0, day: TEST_CLOCK, lodash: TEST_CLOCK, ctx: TEST_CLOCK, isDate: true });
    const other = await fixture.run(`export default () => Date.now();`, { clock: 42 });
    expect(other.output).toBe(42);
  });

  it("passes ruleId and version in ctx, frozen", async () => {
    const result = await fixture.run(`export default (input, ctx) => { "use strict"; let frozen = Object.isFrozen(ctx); return { id: ctx.ruleId, v: ctx.version, frozen }; };`, {
      ruleId: "r1",
      version: 3,
    });
    expect(result.output).toEqual({ id: "r1", v: 3, frozen: true });
  });

  it("runs async rules", async () => {
    const result = await fixture.run(`export default async function (input) {\n  await null;\n  const v = await Promise.all([1, 2].map(async (x) => x * input.k));\n  return v;\n}\n`, { input: { k: 3 } });
    expect(result).toMatchObject({ outcome: "ok", output: [3, 6] });
  });

  it("runs TypeScript rules with the preloaded libraries", async () => {
    const source = `import { z } from "zod";\nimport Decimal from "decimal.js";\nimport dayjs from "dayjs";\ninterface Order { items: { price: string }[] }\nconst schema = z.object({ items: z.array(z.object({ price: z.string() })) });\nexport default function rule(input: Order): { total: string; due: string } {\n  const order: Order = schema.parse(input);\n  const total = order.items.reduce((sum: Decimal, i) => sum.plus(i.price), new Decimal(0));\n  return { total: total.toFixed(2), due: dayjs().add(30, "day").format("YYYY-MM-DD") };\n}\n`;
    const result = await fixture.run(source, { language: "typescript", input: { items: [{ price: "0.1" }, { price: "0.2" }] } });
    expect(result).toMatchObject({ outcome: "ok", output: { total: "0.30", due: "2024-02-14" } });
  });

  it("reports a thrown error with frames in the user's JavaScript coordinates", async () => {
    const source = `import _ from "lodash";\n\nfunction check(order) {\n  if (!order.id) throw new RangeError("missing id");\n}\nexport default function rule(input) {\n  check(input);\n  return 1;\n}\n`;
    const result = await fixture.run(source, { input: {} });
    expect(result.outcome).toBe("error");
    expect(result.error).toMatchObject({ name: "RangeError", message: "missing id" });
    expect(result.error?.frames.slice(0, 2)).toEqual([
      { functionName: "check", line: 4, column: 24 },
      { functionName: "rule", line: 7, column: 3 },
    ]);
  });

  it("reports frames in the user's TypeScript coordinates", async () => {
    const source = `type Input = { id?: string };\nexport default function rule(input: Input): number {\n  const value: number = (input as any).missing.length;\n  return value;\n}\n`;
    const result = await fixture.run(source, { language: "typescript", input: {} });
    expect(result.outcome).toBe("error");
    expect(result.error?.name).toBe("TypeError");
    expect(result.error?.frames[0]).toEqual({ functionName: "rule", line: 3, column: 48 });
  });

  it("names an anonymous default export 'default' in frames and shows only rule frames in error.stack", async () => {
    const result = await fixture.run(`export default (input) => {\n  try { JSON.parse("{"); } catch (e) { return e.stack; }\n};\n`);
    expect(result.outcome).toBe("ok");
    expect(result.output).toMatch(/^SyntaxError: .*\n    at default \(rule:2:14\)$/);
  });

  it("returns compile errors with the user's line and column", async () => {
    const result = await fixture.run(`export default function (input) {\n  return input +;\n}\n`);
    expect(result).toMatchObject({ outcome: "error", error: { name: "SyntaxError", frames: [{ line: 2, column: 17 }] } });
    const ts = await fixture.run(`enum Color { Red }\nexport default () => Color.Red;\n`, { language: "typescript" });
    expect(ts).toMatchObject({ outcome: "error", error: { name: "SyntaxError", frames: [{ line: 1, column: 1 }] } });
    expect(ts.error?.message).toMatch(/enum/);
  });

  it("rejects a default export that is not a function", async () => {
    const result = await fixture.run(`export default 42;`);
    expect(result).toMatchObject({ outcome: "error", error: { name: "TypeError" } });
  });

  it("rejects a named import the module does not provide", async () => {
    const result = await fixture.run(`import { nope } from "lodash";\nexport default () => nope;`);
    expect(result).toMatchObject({ outcome: "error", error: { name: "SyntaxError", frames: [{ line: 1, column: 10 }] } });
  });

  it("answers undefined as ok without output, and errors on unserializable output", async () => {
    expect(await fixture.run(`export default () => undefined;`)).toMatchObject({ outcome: "ok" });
    const bigint = await fixture.run(`export default () => ({ n: 1n });`);
    expect(bigint).toMatchObject({ outcome: "error", error: { name: "TypeError" } });
    expect(bigint.error?.message).toMatch(/^The rule's return value cannot be converted to JSON: .*BigInt/);
    const cycle = await fixture.run(`export default () => { const a = {}; a.self = a; return a; };`);
    expect(cycle.error?.message).toMatch(/^The rule's return value cannot be converted to JSON: .*circular/i);
    const thrownObject = await fixture.run(`export default () => { throw { code: 42 }; };`);
    expect(thrownObject).toMatchObject({ outcome: "error", error: { name: "Error", message: 'Uncaught {"code":42}' } });
    const thrownString = await fixture.run(`export default () => { throw "plain"; };`);
    expect(thrownString).toMatchObject({ outcome: "error", error: { name: "Error", message: "Uncaught plain" } });
  });

  it("refuses an output nested deeper than 128 levels with a clear error, and counts strings right", async () => {
    const deep = await fixture.run(`export default () => { let v = []; for (let i = 0; i < 5000; i++) v = [v]; return v; };`);
    expect(deep).toMatchObject({ outcome: "error", error: { name: "OutputError", message: expect.stringMatching(/nested 5001 levels deep; at most 128/) } });
    const fine = await fixture.run(`export default () => { let v = "[[[{\\"\\\\"; for (let i = 0; i < 128; i++) v = [v]; return v; };`);
    expect(fine.outcome).toBe("ok");
  });

  it("leaves an anonymous callback's frame unnamed (V8 would call it eval)", async () => {
    const result = await fixture.run(`import _ from "lodash";\nexport default function rule() {\n  return _.map([1, 2], (x) => {\n    if (x > 1) throw new Error("boom");\n    return x;\n  });\n}\n`);
    expect(result.error?.frames[0]).toEqual({ line: 4, column: 22 });
    expect(result.error?.frames[1]).toMatchObject({ functionName: "rule", line: 3 });
  });

  it("still serves after all of the above", async () => {
    expect(await fixture.run(PROBE_RULE, { input: 7 })).toMatchObject({ outcome: "ok", output: { ok: true, input: 7 } });
    expect(fixture.pool.stats().workerRestarts).toBe(0);
  });
});

describe("rule worker, edge cases", () => {
  it("gives the compartment its own global, global and self", async () => {
    const result = await fixture.run(`export default () => [global === globalThis, self === globalThis, typeof harden, typeof Math.random()];`);
    expect(result).toMatchObject({ outcome: "ok", output: [true, true, "function", "number"] });
  });

  it("survives an unhandled rejection and reports it as a warning", async () => {
    const result = await fixture.run(`export default () => { Promise.reject(new Error("nobody listens")); return 1; };`);
    expect(result).toMatchObject({ outcome: "ok", output: 1 });
    expect(result.logs).toEqual([{ level: "warn", message: "Unhandled promise rejection: nobody listens" }]);
    expect(await fixture.run(PROBE_RULE)).toMatchObject({ outcome: "ok", logs: [] });
  });

  it("reports an async rule's rejection with its frames", async () => {
    const result = await fixture.run(`export default async (input) => {\n  await null;\n  throw new Error("later");\n};`);
    expect(result).toMatchObject({ outcome: "error", error: { name: "Error", message: "later", frames: [{ functionName: "default", line: 3, column: 9 }] } });
  });
});
