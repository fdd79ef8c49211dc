// Attack: start threads or reach the worker's own messaging from a rule.
import { expect, it } from "vitest";
import { PROBE_RULE, usePool } from "../testing/pool-fixture";

const fixture = usePool();

it("cannot import worker_threads or find Worker/postMessage", async () => {
  expect(await fixture.run(`import { Worker } from "worker_threads";\nexport default () => new Worker("x");`)).toMatchObject({ outcome: "error", error: { name: "ImportError" } });
  expect(await fixture.run(`export default () => [typeof Worker, typeof postMessage, typeof MessageChannel, typeof BroadcastChannel];`)).toMatchObject({
    outcome: "ok",
    output: ["undefined", "undefined", "undefined", "undefined"],
  });
  expect(await fixture.run(PROBE_RULE)).toMatchObject({ outcome: "ok" });
});
