// Attack: return a thenable, so the host's await calls the rule's then() outside any guard.
import { expect, it } from "vitest";
import { PROBE_RULE, usePool } from "../testing/pool-fixture";

const fixture = usePool();

it("resolves a well-behaved thenable inside the sandbox", async () => {
  expect(await fixture.run(`export default () => ({ then(resolve) { resolve({ v: 42 }); } });`)).toMatchObject({ outcome: "ok", output: { v: 42 } });
});

it("times out a thenable whose then() loops, replacing the worker", async () => {
  const before = fixture.pool.stats().workerRestarts;
  const result = await fixture.run(`export default () => ({ then() { for (;;) {} } });`);
  expect(result).toMatchObject({ outcome: "timeout", error: { limit: { name: "timeoutMs", value: 200 } } });
  expect(fixture.pool.stats().workerRestarts).toBe(before + 1);
  expect(await fixture.run(PROBE_RULE)).toMatchObject({ outcome: "ok" });
});

it("times out a thenable that never calls back", async () => {
  expect(await fixture.run(`export default () => ({ then() {} });`)).toMatchObject({ outcome: "timeout" });
  expect(await fixture.run(PROBE_RULE)).toMatchObject({ outcome: "ok" });
});
