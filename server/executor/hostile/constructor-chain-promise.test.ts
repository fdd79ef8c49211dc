// Attack: reach Function through promises, async functions and generators.
import { expect, it } from "vitest";
import { PROBE_RULE, usePool } from "../testing/pool-fixture";

const fixture = usePool();

it("cannot reach Function through Promise, AsyncFunction or generator constructors", async () => {
  const chains = [
    `Promise.resolve().constructor.constructor`,
    `Promise.resolve().then.constructor`,
    `(async () => {}).constructor`,
    `(function* () {}).constructor`,
    `(async function* () {}).constructor`,
  ];
  for (const chain of chains) {
    const result = await fixture.run(`export default async () => (${chain})("return process")().pid;`);
    expect(result, chain).toMatchObject({ outcome: "error", error: { name: "TypeError" } });
  }
  expect(await fixture.run(PROBE_RULE)).toMatchObject({ outcome: "ok" });
});
