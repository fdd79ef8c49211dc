// Attack: reach a library prototype that only instances lead to (not the exports), plant state or
// replace a method there, and let later runs on the same worker meet it: lodash's internal Stack
// (handed to customizers), its chain wrappers, dayjs's Duration, zod's per-class internals and
// ZodError. Found by an adversarial review (zod optin/optout flipped another rule's validation;
// a replaced Stack#set read other runs' cloneDeep values). All such prototypes are frozen now.
import { expect, it } from "vitest";
import { usePool } from "../testing/pool-fixture";

const fixture = usePool();

it("cannot change a prototype that only library instances lead to", async () => {
  const attempts: [string, string][] = [
    ["lodash Stack", `import _ from "lodash";\nexport default () => { let s; _.cloneDeepWith({ a: { b: 1 } }, (v, k, o, stack) => { if (stack) s = stack; }); Object.getPrototypeOf(s).set = () => 0; return "changed"; };`],
    ["lodash MapCache/Hash", `import _ from "lodash";\nexport default () => { const m = _.memoize((x) => x); m("s"); Object.getPrototypeOf(m.cache.__data__.string).evil = 1; return "changed"; };`],
    ["lodash wrapper", `import _ from "lodash";\nexport default () => { Object.getPrototypeOf(_.chain([1]).map((x) => x)).value = () => 42; return "changed"; };`],
    ["lodash lazy wrapper", `import _ from "lodash";\nexport default () => { Object.getPrototypeOf(_([1, 2]).map((x) => x).take(1)).evil = 1; return "changed"; };`],
    ["dayjs Duration", `import dayjs from "dayjs";\nexport default () => { Object.getPrototypeOf(dayjs.duration(1)).asHours = () => 4242; return "changed"; };`],
    ["zod internals", `import { z } from "zod";\nexport default () => { const P = Object.getPrototypeOf(z.number()._zod); P.optin = "optional"; return "changed"; };`],
    ["ZodError", `import { z } from "zod";\nexport default () => { Object.getPrototypeOf(z.string().safeParse(1).error).evil = 1; return "changed"; };`],
  ];
  for (const [what, source] of attempts) {
    const result = await fixture.run(source);
    expect(result, what).toMatchObject({ outcome: "error", error: { name: "TypeError" } });
  }
  // The libraries still work on the same worker, with their own behaviour.
  const check = await fixture.run(
    `import _ from "lodash";\nimport dayjs from "dayjs";\nimport { z } from "zod";\nexport default () => ({\n  clone: _.cloneDeep({ a: [1, { b: 2 }] }),\n  chain: _.chain([1, 2, 3]).map((x) => x * 2).value(),\n  lazy: _([1, 2, 3, 4]).map((x) => x * 2).filter((x) => x > 2).take(2).value(),\n  memo: _.memoize((x) => x * 3)(2),\n  hours: dayjs.duration(90, "minutes").asHours(),\n  required: z.object({ amount: z.number() }).safeParse({}).success,\n  optional: z.object({ amount: z.number().optional() }).safeParse({}).success,\n  error: z.string().safeParse(1).error.issues[0].code,\n});`,
  );
  expect(check).toMatchObject({
    outcome: "ok",
    output: { clone: { a: [1, { b: 2 }] }, chain: [2, 4, 6], lazy: [4, 6], memo: 6, hours: 1.5, required: false, optional: true, error: "invalid_type" },
  });
});
