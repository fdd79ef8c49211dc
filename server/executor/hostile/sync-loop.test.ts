// Attack: an endless synchronous loop.
import { expect, it } from "vitest";
import { PROBE_RULE, usePool } from "../testing/pool-fixture";

const fixture = usePool();

it("interrupts the loop at the limit and keeps the worker", async () => {
  const result = await fixture.run(`export default () => { for (;;) {} };`);
  expect(result).toMatchObject({ outcome: "timeout", error: { name: "TimeoutError", limit: { name: "timeoutMs", value: 200 } } });
  expect(result.durationMs).toBeGreaterThanOrEqual(200);
  const atTopLevel = await fixture.run(`while (true) {}\nexport default () => 1;`);
  expect(atTopLevel).toMatchObject({ outcome: "timeout" });
  expect(await fixture.run(PROBE_RULE)).toMatchObject({ outcome: "ok" });
  expect(fixture.pool.stats().workerRestarts).toBe(0);
});

it("holds a short limit right after a run with a long one (on the same worker)", async () => {
  const [long, short] = await Promise.all([
    fixture.run(PROBE_RULE, { limits: { timeoutMs: 5000 } }),
    fixture.run(`export default () => { for (;;) {} };`, { limits: { timeoutMs: 100 } }),
  ]);
  expect(long.outcome).toBe("ok");
  expect(short).toMatchObject({ outcome: "timeout", error: { limit: { name: "timeoutMs", value: 100 } } });
  expect(short.durationMs).toBeGreaterThanOrEqual(100);
  // Interrupted by the worker's own watchdog at its own limit, not by the pool's kill (which
  // would replace the worker): the window opened for the 5 s run was not reused for it.
  expect(fixture.pool.stats().workerRestarts).toBe(0);
});
