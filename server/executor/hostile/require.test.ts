// Attack: find a require() function anywhere in reach.
import { expect, it } from "vitest";
import { PROBE_RULE, usePool } from "../testing/pool-fixture";

const fixture = usePool();

it("finds no require, module or exports", async () => {
  const result = await fixture.run(`export default () => [typeof require, typeof module, typeof exports, typeof __filename, typeof __dirname];`);
  expect(result).toMatchObject({ outcome: "ok", output: ["undefined", "undefined", "undefined", "undefined", "undefined"] });
  const viaLibrary = await fixture.run(`import _ from "lodash";\nexport default () => [typeof _.runInContext(), typeof _.template("x")];`);
  expect(viaLibrary).toMatchObject({ outcome: "error", error: { name: "TypeError", message: expect.stringContaining("not available in a rule") } });
  expect(await fixture.run(PROBE_RULE)).toMatchObject({ outcome: "ok" });
});
