// Attack: end the worker (and with it the executor) via process.exit / abort.
import { expect, it } from "vitest";
import { PROBE_RULE, usePool } from "../testing/pool-fixture";

const fixture = usePool();

it("cannot reach process.exit or process.abort", async () => {
  expect(await fixture.run(`export default () => process.exit(1);`)).toMatchObject({ outcome: "error", error: { name: "TypeError" } });
  expect(await fixture.run(`export default () => (globalThis.process ?? global.process ?? self.process)?.exit?.(1) ?? "none";`)).toMatchObject({ outcome: "ok", output: "none" });
  expect(await fixture.run(PROBE_RULE)).toMatchObject({ outcome: "ok" });
  expect(fixture.pool.stats().workerRestarts).toBe(0);
});
