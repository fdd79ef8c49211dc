// Attack: exhaust the heap. The worker's V8 heap limit stops it; piscina replaces the worker.
// (Some shapes abort the whole process instead, nodejs/node#47224: the executor process wall
// covers those; this file uses a shape that the worker's resourceLimits catch.)
import { expect, it } from "vitest";
import { PROBE_RULE, usePool } from "../testing/pool-fixture";

const fixture = usePool();

it("answers memory and replaces the worker", async () => {
  const before = fixture.pool.stats().workerRestarts;
  const result = await fixture.run(`export default () => { const keep = []; for (;;) keep.push(new Array(1e4).fill(1.5)); };`, { limits: { timeoutMs: 20_000 } });
  expect(result).toMatchObject({ outcome: "memory", error: { name: "MemoryLimitError", limit: { name: "memoryMb", value: 64 } } });
  expect(result.durationMs).toBeGreaterThan(0);
  expect(fixture.pool.stats().workerRestarts).toBe(before + 1);
  expect(await fixture.run(PROBE_RULE)).toMatchObject({ outcome: "ok" });
}, 30_000);
