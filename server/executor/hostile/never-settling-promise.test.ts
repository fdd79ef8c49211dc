// Attack: return a promise that never settles.
import { expect, it } from "vitest";
import { PROBE_RULE, usePool } from "../testing/pool-fixture";

const fixture = usePool();

it("times out and replaces the worker", async () => {
  const before = fixture.pool.stats().workerRestarts;
  const hung = await fixture.run(`export default () => new Promise(() => {});`);
  expect(hung).toMatchObject({ outcome: "timeout", error: { limit: { name: "timeoutMs" } } });
  // The duration is the wall time the run held its worker, not 0.
  expect(hung.durationMs).toBeGreaterThanOrEqual((hung.error as { limit: { value: number } }).limit.value);
  expect(await fixture.run(`export default async () => { await new Promise(() => {}); };`)).toMatchObject({ outcome: "timeout" });
  expect(fixture.pool.stats().workerRestarts).toBe(before + 2);
  expect(await fixture.run(PROBE_RULE)).toMatchObject({ outcome: "ok" });
});
