// Attack: return a Proxy whose traps run when the host touches the result.
import { expect, it } from "vitest";
import { PROBE_RULE, usePool } from "../testing/pool-fixture";

const fixture = usePool();

it("serializes a Proxy inside the sandbox: traps run there, under the time guard", async () => {
  const counting = await fixture.run(`export default (input, ctx) => new Proxy({ a: 1 }, { get(t, k) { ctx.log("get " + String(k)); return Reflect.get(t, k); } });`);
  expect(counting.outcome).toBe("ok");
  expect(counting.output).toEqual({ a: 1 });
  expect(counting.logs.map((l) => l.message)).toContain("get a");
  const throwing = await fixture.run(`export default () => new Proxy({}, { ownKeys() { throw new RangeError("trap"); } });`);
  expect(throwing).toMatchObject({ outcome: "error", error: { name: "RangeError", message: "trap" } });
  const looping = await fixture.run(`export default () => new Proxy({}, { ownKeys() { for (;;) {} } });`);
  expect(looping).toMatchObject({ outcome: "timeout", error: { limit: { name: "timeoutMs", value: 200 } } });
  expect(await fixture.run(PROBE_RULE)).toMatchObject({ outcome: "ok" });
  expect(fixture.pool.stats().workerRestarts).toBe(0);
});
