// Attack: reach the host's Function through the constructor chain of the rule's input.
import { expect, it } from "vitest";
import { PROBE_RULE, usePool } from "../testing/pool-fixture";

const fixture = usePool();

it("cannot reach Function through the input's constructor chain", async () => {
  const result = await fixture.run(`export default (input) => input.constructor.constructor("return process")().pid;`, { input: { a: 1 } });
  expect(result).toMatchObject({ outcome: "error", error: { name: "TypeError" } });
  expect(result.output).toBeUndefined();
  const viaArray = await fixture.run(`export default (input) => input.list.map.constructor("return process")().pid;`, { input: { list: [] } });
  expect(viaArray).toMatchObject({ outcome: "error", error: { name: "TypeError" } });
  expect(await fixture.run(PROBE_RULE)).toMatchObject({ outcome: "ok" });
});
