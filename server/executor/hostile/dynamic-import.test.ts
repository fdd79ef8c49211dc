// Attack: dynamic import() and import.meta, which the compiler does not see as declarations.
import { expect, it } from "vitest";
import { PROBE_RULE, usePool } from "../testing/pool-fixture";

const fixture = usePool();

it("rejects import() at evaluation, pointing at the user's line", async () => {
  const result = await fixture.run(`export default async () => {\n  const fs = await import("fs");\n  return fs.readFileSync("/etc/passwd", "utf8");\n};`);
  expect(result).toMatchObject({ outcome: "error", error: { name: "SyntaxError", frames: [{ line: 2, column: 1 }] } });
  const hidden = await fixture.run(`export default () => {\n  const i = "imp" + "ort";\n  return Function(i + "('fs')")();\n};`);
  expect(hidden.outcome).toBe("error");
  const meta = await fixture.run(`export default () => import.meta.url;`);
  expect(meta).toMatchObject({ outcome: "error", error: { name: "SyntaxError" } });
  expect(await fixture.run(PROBE_RULE)).toMatchObject({ outcome: "ok" });
});
