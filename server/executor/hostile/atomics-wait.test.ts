// Attack: block the thread with Atomics.wait (not interruptible the way a loop is), or use
// Atomics.waitAsync / SharedArrayBuffer as a timer.
import { expect, it } from "vitest";
import { PROBE_RULE, usePool } from "../testing/pool-fixture";

const fixture = usePool();

it("has neither Atomics nor SharedArrayBuffer", async () => {
  expect(await fixture.run(`export default () => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10000);`)).toMatchObject({
    outcome: "error",
    error: { name: "TypeError" },
  });
  expect(await fixture.run(`export default () => [typeof Atomics, typeof SharedArrayBuffer];`)).toMatchObject({ outcome: "ok", output: ["undefined", "undefined"] });
  expect(await fixture.run(PROBE_RULE)).toMatchObject({ outcome: "ok" });
});
