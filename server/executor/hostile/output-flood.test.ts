// Attack: return far more output than allowed.
import { expect, it } from "vitest";
import { PROBE_RULE, usePool } from "../testing/pool-fixture";

const fixture = usePool();

it("answers output_limit without the output", async () => {
  const result = await fixture.run(`export default () => "x".repeat(100000);`, { limits: { maxOutputBytes: 1000 } });
  expect(result).toMatchObject({ outcome: "output_limit", error: { name: "OutputLimitError", limit: { name: "maxOutputBytes", value: 1000 } } });
  expect(result.output).toBeUndefined();
  const multibyte = await fixture.run(`export default () => "é".repeat(600);`, { limits: { maxOutputBytes: 1000 } });
  expect(multibyte.outcome).toBe("output_limit");
  expect(await fixture.run(`export default () => "x".repeat(990);`, { limits: { maxOutputBytes: 1000 } })).toMatchObject({ outcome: "ok" });
  expect(await fixture.run(PROBE_RULE)).toMatchObject({ outcome: "ok" });
});
