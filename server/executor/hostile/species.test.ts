// Attack: Symbol.species and subclassed intrinsics, to make host code construct rule objects.
import { expect, it } from "vitest";
import { PROBE_RULE, usePool } from "../testing/pool-fixture";

const fixture = usePool();

it("gives species tricks nothing to run on the host", async () => {
  const arrays = await fixture.run(`export default () => {
  class Evil extends Array { static get [Symbol.species]() { return function () { return { pwned: true }; }; } }
  const e = Evil.from([1, 2, 3]);
  return { mapped: e.map((x) => x), plain: [...e] };
};`);
  expect(arrays).toMatchObject({ outcome: "ok", output: { mapped: { pwned: true }, plain: [1, 2, 3] } });
  const promises = await fixture.run(`export default () => {
  class P extends Promise { static get [Symbol.species]() { return Promise; } }
  return P.resolve(7).then((x) => x * 2);
};`);
  expect(promises).toMatchObject({ outcome: "ok", output: 14 });
  const patch = await fixture.run(`export default () => { Object.defineProperty(Promise, Symbol.species, { get() { return null; } }); return 1; };`);
  expect(patch).toMatchObject({ outcome: "error", error: { name: "TypeError" } });
  expect(await fixture.run(PROBE_RULE)).toMatchObject({ outcome: "ok" });
});
