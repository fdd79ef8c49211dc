// Attack (adversarial review, critical): `dayjs().$utils()` returns dayjs's module-level Utils
// object, which every run of the worker shares and which no property walk reaches. Run A planted a
// property there and replaced its `s` padding helper, so it could record every later run's
// formatted dates and change what their format() returned. The method name can come from the
// input (`dayjs()[input.k]()`), past the static check. Utils is frozen now (preload.ts), and the
// calling audit (shared-state-audit.test.ts) fails on any object like it.
import { expect, it } from "vitest";
import { usePool } from "../testing/pool-fixture";

const fixture = usePool();

it("cannot plant state in dayjs's Utils or replace the helpers every format() uses", async () => {
  const attacks: [string, string][] = [
    ["plant", `import dayjs from "dayjs";\nexport default (input) => { dayjs()[input.k]().stash = []; return "planted"; };`],
    ["replace s", `import dayjs from "dayjs";\nexport default (input) => { const u = dayjs()[input.k](); u.s = () => "PWNED"; return "replaced"; };`],
    ["redefine s", `import dayjs from "dayjs";\nexport default (input) => { Object.defineProperty(dayjs()[input.k](), "s", { value: () => "PWNED" }); return "redefined"; };`],
  ];
  for (const [what, source] of attacks) {
    expect(await fixture.run(source, { input: { k: "$utils" } }), what).toMatchObject({ outcome: "error", error: { name: "TypeError" } });
  }
  const victim = await fixture.run(
    `import dayjs from "dayjs";\nexport default (input) => ({ date: dayjs(0).format("YYYY-MM-DD HH:mm"), stash: dayjs()[input.k]().stash ?? null });`,
    { input: { k: "$utils" } },
  );
  expect(victim).toMatchObject({ outcome: "ok", output: { date: expect.stringMatching(/^1970-01-01 /), stash: null } });
});
