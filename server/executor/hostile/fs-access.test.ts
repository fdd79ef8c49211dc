// Attack: read or write files from a rule.
import { expect, it } from "vitest";
import { PROBE_RULE, usePool } from "../testing/pool-fixture";

const fixture = usePool();

it("has no way to the file system", async () => {
  expect(await fixture.run(`import fs from "fs";\nexport default () => fs.readFileSync("/etc/passwd", "utf8");`)).toMatchObject({ outcome: "error", error: { name: "ImportError" } });
  expect(await fixture.run(`import fs from "node:fs/promises";\nexport default () => 1;`)).toMatchObject({ outcome: "error", error: { name: "ImportError" } });
  expect(await fixture.run(`export default () => require("fs").readFileSync("/etc/passwd", "utf8");`)).toMatchObject({ outcome: "error", error: { name: "TypeError" } });
  expect(await fixture.run(PROBE_RULE)).toMatchObject({ outcome: "ok" });
});
