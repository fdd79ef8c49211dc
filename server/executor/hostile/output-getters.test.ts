// Attack: getters and toJSON on the returned value, run when the host serializes it.
import { expect, it } from "vitest";
import { PROBE_RULE, usePool } from "../testing/pool-fixture";

const fixture = usePool();

it("runs getters and toJSON inside the sandbox, under the time guard", async () => {
  const ok = await fixture.run(`export default () => ({ get a() { return 1; }, b: { toJSON() { return "j"; } } });`);
  expect(ok).toMatchObject({ outcome: "ok", output: { a: 1, b: "j" } });
  const throwing = await fixture.run(`export default () => ({ get a() { throw new EvalError("getter"); } });`);
  expect(throwing).toMatchObject({ outcome: "error", error: { name: "EvalError", message: "getter" } });
  const looping = await fixture.run(`export default () => ({ toJSON() { for (;;) {} } });`);
  expect(looping).toMatchObject({ outcome: "timeout" });
  const asyncLooping = await fixture.run(`export default async () => ({ get a() { for (;;) {} } });`);
  expect(asyncLooping).toMatchObject({ outcome: "timeout" });
  expect(await fixture.run(PROBE_RULE)).toMatchObject({ outcome: "ok" });
});
