// Attack: log without end. Design: logs are cut at maxLogBytes and flagged; the run itself is
// not failed by its logging (its outcome is whatever the rule does).
import { expect, it } from "vitest";
import { PROBE_RULE, usePool } from "../testing/pool-fixture";

const fixture = usePool();

it("truncates logs at maxLogBytes and flags it", async () => {
  const result = await fixture.run(`export default (input, ctx) => { for (let i = 0; i < 100000; i += 1) console.log("line " + i, { i }); ctx.log("never kept"); return "done"; };`, {
    limits: { maxLogBytes: 4096 },
  });
  expect(result).toMatchObject({ outcome: "ok", output: "done", logsTruncated: true });
  const bytes = result.logs.reduce((sum, entry) => sum + Buffer.byteLength(entry.message), 0);
  expect(bytes).toBeLessThanOrEqual(4096);
  expect(bytes).toBeGreaterThan(4000);
  expect(result.logs.at(-1)?.message).not.toBe("never kept");
  const huge = await fixture.run(`export default () => { console.log("y".repeat(1e6)); return 1; };`, { limits: { maxLogBytes: 100 } });
  expect(huge).toMatchObject({ outcome: "ok", logsTruncated: true, logs: [{ level: "log", message: "y".repeat(100) }] });
  const empty = await fixture.run(`export default () => { for (let i = 0; i < 1e6; i += 1) console.log(""); return 1; };`, { limits: { timeoutMs: 5000 } });
  expect(empty).toMatchObject({ outcome: "ok", logsTruncated: true });
  expect(empty.logs).toHaveLength(10_000);
  expect(await fixture.run(PROBE_RULE)).toMatchObject({ outcome: "ok", logs: [] });
});
