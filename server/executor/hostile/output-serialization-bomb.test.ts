// Attack (adversarial review): a result whose toJSON returns a few strings of ~128 MiB. They cost
// the rule almost nothing (ropes), but JSON.stringify copied them into one output over the heap
// limit, and V8 aborted the whole executor process ("Reached heap limit", SIGABRT), so every run
// in flight answered `crashed`. Serialization now stops as soon as the output passes its budget
// (worker.ts, boundedStringify), so the run ends `output_limit` and the worker lives on; logs are
// built under their budget the same way.
import { expect, it } from "vitest";
import { PROBE_RULE, usePool } from "../testing/pool-fixture";

const fixture = usePool();
const LIMITS = { timeoutMs: 5_000, memoryMb: 256, maxOutputBytes: 1_048_576 };

it("ends output_limit, not a heap abort, for huge strings from toJSON, getters and proxies", async () => {
  const attacks: [string, string][] = [
    ["toJSON", `export default () => ({ toJSON() { const s = "x".repeat(2 ** 27); return [s, s + "y", s + "z"]; } });`],
    ["getter", `export default () => ({ get a() { return "x".repeat(2 ** 27); }, get b() { return "y".repeat(2 ** 27); } });`],
    ["proxy", `export default () => new Proxy({}, { ownKeys: () => ["a", "b", "c"], getOwnPropertyDescriptor: () => ({ value: 1, enumerable: true, configurable: true }), get: () => "x".repeat(2 ** 27) });`],
    ["key", `export default () => ({ toJSON() { return { ["k".repeat(2 ** 21)]: 1 }; } });`],
    ["many", `export default () => ({ toJSON() { return Array.from({ length: 3 }, () => "é".repeat(2 ** 26)); } });`],
  ];
  for (const [what, source] of attacks) {
    const result = await fixture.run(source, { limits: LIMITS });
    expect(result, what).toMatchObject({ outcome: "output_limit", error: { name: "OutputLimitError", limit: { name: "maxOutputBytes", value: LIMITS.maxOutputBytes } } });
    expect(result.output).toBeUndefined();
  }
  expect(await fixture.run(PROBE_RULE)).toMatchObject({ outcome: "ok" });
}, 60_000);

it("keeps logging bounded for huge strings and objects, and still logs what fits", async () => {
  const result = await fixture.run(
    `export default () => {
      const s = "x".repeat(2 ** 27);
      console.log("before");
      console.log({ toJSON() { return [s, s, s]; } });
      console.log(s, s, s);
      return "done";
    };`,
    { limits: { ...LIMITS, maxLogBytes: 1000 } },
  );
  expect(result).toMatchObject({ outcome: "ok", output: "done", logsTruncated: true });
  expect(result.logs[0]).toMatchObject({ level: "log", message: "before" });
  expect(result.logs[1]?.message).toBe("[Object over the log limit]");
  expect(JSON.stringify(result.logs).length).toBeLessThan(2_000);
  expect(await fixture.run(PROBE_RULE)).toMatchObject({ outcome: "ok" });
}, 60_000);

it("serializes exactly as JSON.stringify does within the budget", async () => {
  const source = `export default () => ({ a: [1, undefined, () => 1, Symbol("s"), NaN, -0, 1e21], b: new Date(0), c: Object(1), d: Object("s"), e: Object(false), f: undefined, g: { toJSON: (k) => "key:" + k }, h: "\\u2028\\ud800\\"\\n", "": null, [Symbol("x")]: 1, i: [,1] });`;
  const result = await fixture.run(source);
  expect(result.outcome).toBe("ok");
  expect(JSON.stringify(result.output)).toBe(
    JSON.stringify({ a: [1, null, null, null, null, 0, 1e21], b: "1970-01-01T00:00:00.000Z", c: 1, d: "s", e: false, g: "key:g", h: "\u2028\ud800\"\n", "": null, i: [null, 1] }),
  );
  // An output of exactly the limit is allowed; one byte more is not.
  const exact = await fixture.run(`export default () => "x".repeat(998);`, { limits: { maxOutputBytes: 1000 } });
  expect(exact).toMatchObject({ outcome: "ok" });
  const over = await fixture.run(`export default () => "x".repeat(999);`, { limits: { maxOutputBytes: 1000 } });
  expect(over).toMatchObject({ outcome: "output_limit" });
});
