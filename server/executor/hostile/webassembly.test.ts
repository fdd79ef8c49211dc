// Attack: WebAssembly (code generation, memory outside the heap, async compilation as a timer).
import { expect, it } from "vitest";
import { PROBE_RULE, usePool } from "../testing/pool-fixture";

const fixture = usePool();

it("has no WebAssembly", async () => {
  expect(await fixture.run(`export default () => WebAssembly.compile(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]));`)).toMatchObject({
    outcome: "error",
    error: { name: "TypeError" },
  });
  expect(await fixture.run(`export default () => typeof globalThis.WebAssembly;`)).toMatchObject({ outcome: "ok", output: "undefined" });
  expect(await fixture.run(PROBE_RULE)).toMatchObject({ outcome: "ok" });
});
