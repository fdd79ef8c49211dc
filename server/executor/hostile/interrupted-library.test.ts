// Attack: get interrupted (sync timeout) in the middle of a shared library call, hoping the
// library's half-updated internal state changes what the next run computes. decimal.js turns a
// module-level flag off during sqrt/pow/exp and back on at the end.
import { expect, it } from "vitest";
import { usePool } from "../testing/pool-fixture";

const fixture = usePool();

it("leaves the next run's library results unchanged", async () => {
  // plus() rounds to the precision (20 digits) only while the flag is on.
  const check = `import Decimal from "decimal.js";\nexport default () => [new Decimal("1.234567890123456789012345678901").plus(0).toString(), new Decimal(1).div(3).toString()];`;
  const expected = ["1.234567890123456789", "0.33333333333333333333"];
  expect(await fixture.run(check)).toMatchObject({ outcome: "ok", output: expected });
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const interrupted = await fixture.run(`import Decimal from "decimal.js";\nexport default () => { const x = new Decimal(2); for (;;) { x.sqrt(); x.pow(0.5); x.exp(); } };`, {
      limits: { timeoutMs: 50 },
    });
    expect(interrupted.outcome).toBe("timeout");
    expect(await fixture.run(check)).toMatchObject({ outcome: "ok", output: expected });
  }
  expect(fixture.pool.stats().workerRestarts).toBe(0);
});
