// Attack: reach a host capability through the compartment's globals and intrinsics.
import { expect, it } from "vitest";
import { PROBE_RULE, usePool } from "../testing/pool-fixture";

const fixture = usePool();

it("cannot reach process through global objects, Function or eval", async () => {
  const attempts = [
    `({}).constructor.constructor("return process")()`,
    `Function("return process")()`,
    `Function("return this")().process`,
    `eval("process")`,
    `globalThis.process`,
    `global.process ?? self.process`,
    `(0, eval)("this").process`,
  ];
  for (const attempt of attempts) {
    const result = await fixture.run(`export default () => { const p = ${attempt}; return typeof p === "object" && p !== null ? p.pid : "none"; };`);
    if (result.outcome === "ok") expect(result.output, attempt).toBe("none");
    else expect(result.outcome, attempt).toBe("error");
  }
  const globals = await fixture.run(`export default () => Object.getOwnPropertyNames(globalThis).filter((k) => /^(process|require|Buffer|setTimeout|setInterval|setImmediate|queueMicrotask|WebAssembly|SharedArrayBuffer|Atomics|FinalizationRegistry|WeakRef|fetch|module|exports)$/.test(k));`);
  expect(globals).toMatchObject({ outcome: "ok", output: [] });
  expect(await fixture.run(PROBE_RULE)).toMatchObject({ outcome: "ok" });
});
