// Attack: pollute a shared intrinsic so that the next run on the same worker sees it.
import { expect, it } from "vitest";
import { usePool } from "../testing/pool-fixture";

const fixture = usePool();

it("cannot change intrinsics, and the next run sees none of it", async () => {
  const attempts = [
    `Array.prototype.x = 1`,
    `Object.prototype.polluted = true`,
    `JSON.parse = () => "evil"`,
    `Math.max = () => 0`,
    `Object.defineProperty(String.prototype, "trim", { value: () => "evil" })`,
    `({}).__proto__.y = 2`,
    `Date.now = () => 0`,
  ];
  for (const attempt of attempts) {
    const result = await fixture.run(`export default () => { ${attempt}; return "changed"; };`);
    expect(result, attempt).toMatchObject({ outcome: "error", error: { name: "TypeError" } });
  }
  const globalWrite = await fixture.run(`export default () => { globalThis.leak = 1; return 1; };`);
  expect(globalWrite.outcome).toBe("ok");
  const next = await fixture.run(`export default () => [[].x, ({}).polluted, JSON.parse("1"), Math.max(1, 2), " a ".trim(), ({}).y, typeof globalThis.leak];`);
  expect(next).toMatchObject({ outcome: "ok", output: [null, null, 1, 2, "a", null, "undefined"] });
});
