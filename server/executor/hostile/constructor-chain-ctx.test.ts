// Attack: reach the host's Function through ctx and its host-made log function.
import { expect, it } from "vitest";
import { PROBE_RULE, usePool } from "../testing/pool-fixture";

const fixture = usePool();

it("cannot reach Function through ctx.log or console", async () => {
  for (const chain of ["ctx.log.constructor", "ctx.constructor.constructor", "console.log.constructor", "Object.getPrototypeOf(ctx.log).constructor"]) {
    const result = await fixture.run(`export default (input, ctx) => (${chain})("return process")().pid;`);
    expect(result, chain).toMatchObject({ outcome: "error", error: { name: "TypeError" } });
  }
  const mutate = await fixture.run(`export default (input, ctx) => { ctx.log.x = 1; return ctx.log.x; };`);
  expect(mutate).toMatchObject({ outcome: "error", error: { name: "TypeError" } });
  expect(await fixture.run(PROBE_RULE)).toMatchObject({ outcome: "ok" });
});
