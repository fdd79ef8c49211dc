// Attack: install Error.prepareStackTrace to receive V8 call sites (getThis/getFunction leak
// host objects), or to run code whenever the host formats a stack.
import { expect, it } from "vitest";
import { PROBE_RULE, usePool } from "../testing/pool-fixture";

const fixture = usePool();

it("cannot install a prepareStackTrace or see call sites", async () => {
  const source = `export default () => {
  let seen = "none";
  Error.prepareStackTrace = (error, sites) => { seen = typeof sites[0]?.getThis === "function" ? "callsites" : "other"; return "mine"; };
  Error.captureStackTrace?.({});
  const stack = new Error("x").stack;
  return { seen, mine: stack === "mine", limit: Error.stackTraceLimit ?? null };
};`;
  const result = await fixture.run(source);
  expect(result).toMatchObject({ outcome: "ok", output: { seen: "none", mine: false } });
  const later = await fixture.run(`export default () => { try { null.f(); } catch (e) { return e.stack.split("\\n")[0]; } };`);
  expect(later).toMatchObject({ outcome: "ok", output: "TypeError: Cannot read properties of null (reading 'f')" });
  expect(await fixture.run(PROBE_RULE)).toMatchObject({ outcome: "ok" });
});
