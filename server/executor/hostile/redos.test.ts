// Attack: catastrophic regex backtracking, one "instruction" that runs for ever.
import { expect, it } from "vitest";
import { PROBE_RULE, usePool } from "../testing/pool-fixture";

const fixture = usePool();

it("interrupts the regex at the limit and keeps the worker", async () => {
  const result = await fixture.run(`export default () => /^(a+)+$/.test("a".repeat(40) + "b");`);
  expect(result).toMatchObject({ outcome: "timeout", error: { limit: { name: "timeoutMs", value: 200 } } });
  expect(await fixture.run(PROBE_RULE)).toMatchObject({ outcome: "ok" });
  expect(fixture.pool.stats().workerRestarts).toBe(0);
});
