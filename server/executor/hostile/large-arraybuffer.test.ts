// Attack: allocate buffers outside the V8 heap, which resourceLimits do not count.
import { expect, it } from "vitest";
import { PROBE_RULE, usePool } from "../testing/pool-fixture";

const fixture = usePool();

it("fails a run whose buffers exceed memoryMb and recycles its worker", async () => {
  const before = fixture.pool.stats().workerRestarts;
  const result = await fixture.run(`export default () => { const b = new Uint8Array(256 * 1024 * 1024); b[b.length - 1] = 1; return b.length; };`);
  expect(result).toMatchObject({ outcome: "memory", error: { limit: { name: "memoryMb", value: 64 } } });
  expect(result.output).toBeUndefined();
  expect(fixture.pool.stats().workerRestarts).toBe(before + 1);
  expect(await fixture.run(`export default () => new ArrayBuffer(1024).byteLength;`)).toMatchObject({ outcome: "ok", output: 1024 });
  expect(await fixture.run(PROBE_RULE)).toMatchObject({ outcome: "ok" });
});
