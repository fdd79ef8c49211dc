// Attack (the node:vm escape): an error whose name is a Symbol makes a host-realm stack formatter
// throw a host TypeError, whose constructor chain would lead to the host's Function.
import { expect, it } from "vitest";
import { PROBE_RULE, usePool } from "../testing/pool-fixture";

const fixture = usePool();

it("gets no host object from formatting a Symbol-named error's stack", async () => {
  const source = `export default () => {
  const e = new Error("x");
  e.name = Symbol("evil");
  let caught;
  try { caught = e.stack; } catch (t) { caught = t; }
  if (typeof caught === "string") return { stack: caught };
  return caught.constructor.constructor("return process")().pid;
};`;
  const result = await fixture.run(source);
  if (result.outcome === "ok") expect(result.output).toEqual({ stack: expect.not.stringMatching(/\/|node:/) });
  else expect(result).toMatchObject({ outcome: "error", error: { name: "TypeError" } });
  const thrown = await fixture.run(`export default () => { const e = new TypeError("y"); e.name = Symbol("s"); throw e; };`);
  expect(thrown.outcome).toBe("error");
  expect(await fixture.run(PROBE_RULE)).toMatchObject({ outcome: "ok" });
});
