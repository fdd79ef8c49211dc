// Attack: make a decimal.js operation throw half-way (on a frozen clone), leaving the library's
// module-level `external` flag off: later runs on the worker would silently lose rounding.
// Found by an adversarial review; the flag is reset before the next run.
import { expect, it } from "vitest";
import { usePool } from "../testing/pool-fixture";

const fixture = usePool();

it("leaves decimal.js rounding intact for the next run", async () => {
  const breaker = await fixture.run(`import Decimal from "decimal.js";\nexport default () => { Object.freeze(Decimal); try { new Decimal(10).ln(); return "no error"; } catch (e) { return e.name; } };`);
  expect(breaker.outcome).toBe("ok");
  const next = await fixture.run(`import Decimal from "decimal.js";\nexport default () => { Decimal.set({ precision: 5 }); return new Decimal("123.456789").times(2).toString(); };`);
  expect(next).toMatchObject({ outcome: "ok", output: "246.91" });
});
