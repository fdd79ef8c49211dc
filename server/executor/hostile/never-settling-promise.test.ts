// Attack: return a promise that never settles.
import { expect, it } from "vitest";
import { PROBE_RULE, usePool } from "../testing/pool-fixture";

const fixture = usePool();

it("times out and replaces the worker", async () => {
  const before = fixture.pool.stats().workerRestarts;
  expect(await fixture.run(`export default () => new Promise(() => {});`)).toMatchObject({ outcome: "timeout" });
  expect(await fixture.run(`export default async () => { await new Promise(() => {}); };`)).toMatchObject({ outcome: "timeout" });
  expect(fixture.pool.stats().workerRestarts).toBe(before + 2);
  expect(await fixture.run(PROBE_RULE)).toMatchObject({ outcome: "ok" });
});
