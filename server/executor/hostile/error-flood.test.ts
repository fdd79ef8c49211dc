// Attack: throw an error whose message (or name) is huge, to flood the result past every limit.
import { expect, it } from "vitest";
import { PROBE_RULE, usePool } from "../testing/pool-fixture";

const fixture = usePool();

it("clips a thrown error's name and message", async () => {
  const result = await fixture.run(`export default () => { const e = new Error("m".repeat(1e6)); e.name = "N".repeat(1e5); throw e; };`);
  expect(result.outcome).toBe("error");
  expect(result.error!.message.length).toBeLessThan(4_100);
  expect(result.error!.name.length).toBeLessThan(300);
  const primitive = await fixture.run(`export default () => { throw "s".repeat(1e6); };`);
  expect(primitive.error!.message.length).toBeLessThan(4_100);
  expect(await fixture.run(PROBE_RULE)).toMatchObject({ outcome: "ok" });
});
