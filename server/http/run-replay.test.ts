import { describe, expect, it } from "vitest";
import { randomnessIn } from "./run-replay";

describe("randomnessIn", () => {
  it.each([
    ["export default () => Math.random();", ["Math.random"]],
    ["export default () => Math [ 'random' ]();", ["Math.random"]],
    ["const { random: r } = Math;\nexport default () => r();", ["Math.random"]],
    ['import _ from "lodash";\nexport default (i) => ({ a: _.shuffle(i.xs), b: _.sample(i.xs), c: _.random(1, 6) });', ["_.shuffle", "_.sample", "_.random"]],
    ['import lo, { sampleSize } from "lodash";\nexport default (i) => sampleSize(i.xs, 2);', ["_.sampleSize"]],
    ['import * as L from "lodash";\nexport default (i) => L.sampleSize(i.xs, 2);', ["_.sampleSize"]],
    ['import _ from "lodash";\nexport default (i) => _(i.xs).shuffle().value();', ["_.shuffle"]],
    ['import { shuffle as mix } from "lodash";\nexport default (i) => mix(i.xs);', ["_.shuffle"]],
    ['import D from "decimal.js";\nexport default () => D.random(8).toString();', ["Decimal.random"]],
  ])("finds the randomness in %j", (source, expected) => {
    expect(randomnessIn(source).sort()).toEqual([...expected].sort());
  });

  it.each([
    "export default (input, ctx) => ({ now: new Date(ctx.now).toISOString(), day: Date.now() });",
    // Fields and methods that merely share a name are not randomness.
    "export default (input) => ({ pick: input.random, xs: input.sample, n: input.shuffle(1) });",
    'import _ from "lodash";\nexport default (input) => _.sumBy(input.items, "price") + input.deck.shuffle;',
  ])("finds none in %j", (source) => {
    expect(randomnessIn(source)).toEqual([]);
  });

  it("stays fast on hostile text", () => {
    const started = performance.now();
    randomnessIn(`${"import ".repeat(30_000)}${"{ a ".repeat(30_000)}${"{".repeat(60_000)}`);
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});
