// Attack: keep working after the result, to act during (and log into) the next run.
import { expect, it } from "vitest";
import { PROBE_RULE, usePool } from "../testing/pool-fixture";

const fixture = usePool();

it("finishes a run's leftover promise work before its result, never in the next run", async () => {
  const source = `export default (input, ctx) => {
  let p = Promise.resolve();
  for (let i = 0; i < 1000; i += 1) p = p.then(() => ctx.log("late " + i));
  return "returned";
};`;
  const result = await fixture.run(source);
  expect(result).toMatchObject({ outcome: "ok", output: "returned" });
  expect(result.logs).toHaveLength(1000);
  const next = await fixture.run(PROBE_RULE);
  expect(next).toMatchObject({ outcome: "ok", logs: [] });
});

it("has no timers to schedule work with, not even through lodash", async () => {
  const timers = await fixture.run(`export default () => [typeof setTimeout, typeof setInterval, typeof setImmediate, typeof queueMicrotask];`);
  expect(timers).toMatchObject({ outcome: "ok", output: ["undefined", "undefined", "undefined", "undefined"] });
  for (const call of ["_.defer(() => 1)", "_.delay(() => 1, 10)", "_.debounce(() => 1, 10)()"]) {
    const viaLodash = await fixture.run(`import _ from "lodash";\nexport default () => ${call};`);
    expect(viaLodash, call).toMatchObject({ outcome: "error", error: { name: "TypeError" } });
  }
  expect(await fixture.run(PROBE_RULE)).toMatchObject({ outcome: "ok", logs: [] });
});

it("cannot write to anything a later run can read", async () => {
  const writer = await fixture.run(`import _ from "lodash";\nexport default () => { try { _.leak = "x"; } catch { return "frozen"; } return "wrote"; };`);
  expect(writer).toMatchObject({ outcome: "ok", output: "frozen" });
  expect(await fixture.run(`import _ from "lodash";\nexport default () => _.leak ?? null;`)).toMatchObject({ outcome: "ok", output: null });
});
