// Attack: process.binding / internalBinding to reach native modules.
import { expect, it } from "vitest";
import { PROBE_RULE, usePool } from "../testing/pool-fixture";

const fixture = usePool();

it("has no process to call binding() on", async () => {
  expect(await fixture.run(`export default () => process.binding("fs");`)).toMatchObject({ outcome: "error", error: { name: "TypeError" } });
  expect(await fixture.run(`export default () => globalThis.process?.binding("spawn_sync") ?? "none";`)).toMatchObject({ outcome: "ok", output: "none" });
  expect(await fixture.run(`export default () => internalBinding("fs");`)).toMatchObject({ outcome: "error", error: { name: "TypeError" } });
  expect(await fixture.run(PROBE_RULE)).toMatchObject({ outcome: "ok" });
});
