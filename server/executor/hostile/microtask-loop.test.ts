// Attack: an endless chain of microtasks, which no vm timeout can interrupt.
import { expect, it } from "vitest";
import { PROBE_RULE, usePool } from "../testing/pool-fixture";

const fixture = usePool();

it("times out an async microtask loop by replacing the worker", async () => {
  const before = fixture.pool.stats().workerRestarts;
  const result = await fixture.run(`export default async () => { for (;;) await null; };`);
  expect(result).toMatchObject({ outcome: "timeout", error: { limit: { name: "timeoutMs", value: 200 } } });
  expect(fixture.pool.stats().workerRestarts).toBe(before + 1);
  expect(await fixture.run(PROBE_RULE)).toMatchObject({ outcome: "ok" });
});

it("times out a sync rule that leaves a microtask loop behind", async () => {
  const result = await fixture.run(`export default () => { const loop = () => Promise.resolve().then(loop); loop(); return "done"; };`);
  expect(result.outcome).toBe("timeout");
  expect(await fixture.run(PROBE_RULE)).toMatchObject({ outcome: "ok" });
});
