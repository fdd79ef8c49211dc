// Attack: spawn a process from a rule.
import { expect, it } from "vitest";
import { PROBE_RULE, usePool } from "../testing/pool-fixture";

const fixture = usePool();

it("cannot spawn processes", async () => {
  expect(await fixture.run(`import { execSync } from "child_process";\nexport default () => String(execSync("id"));`)).toMatchObject({ outcome: "error", error: { name: "ImportError" } });
  expect(await fixture.run(`export default () => process.mainModule.require("child_process").execSync("id");`)).toMatchObject({ outcome: "error", error: { name: "TypeError" } });
  expect(await fixture.run(PROBE_RULE)).toMatchObject({ outcome: "ok" });
});
