// Attack: reach decimal.js's own constructor through the shared prototype's `constructor` (a key
// from the input, so the static check cannot see it) and hang a Symbol.hasInstance spy or a stash
// on it: every later `new Decimal(v)` of every run consults it, so later runs' values would leak
// and their results change. Found by an adversarial review; the constructor is frozen now.
import { expect, it } from "vitest";
import { PROBE_RULE, usePool } from "../testing/pool-fixture";

const fixture = usePool();

it("cannot hang anything on decimal.js's shared constructor", async () => {
  const spy = `import Decimal from "decimal.js";
export default (input) => {
  const Orig = Decimal.prototype[input.k];
  const out = { sameAsRun: Orig === Decimal, frozen: Object.isFrozen(Orig) };
  try { Object.defineProperty(Orig, Symbol.hasInstance, { value: (v) => v === "100" }); out.spy = "installed"; } catch (e) { out.spy = e.name; }
  try { Orig.stash = input.secret; out.stash = "kept"; } catch (e) { out.stash = e.name; }
  return out;
};`;
  const attempt = await fixture.run(spy, { input: { k: "constructor", secret: "4111111111111111" } });
  expect(attempt).toMatchObject({ outcome: "ok", output: { frozen: true, spy: "TypeError", stash: "TypeError" } });

  // A later run (same worker: the fixture's pool) computes normally and finds no stash.
  const victim = await fixture.run(
    `import Decimal from "decimal.js";\nexport default (input) => ({ total: new Decimal(input.price).times(input.qty).toString(), stash: Decimal.prototype.constructor.stash ?? null });`,
    { input: { price: "100", qty: 2 } },
  );
  expect(victim).toMatchObject({ outcome: "ok", output: { total: "200", stash: null } });
  expect(await fixture.run(PROBE_RULE)).toMatchObject({ outcome: "ok" });
});
