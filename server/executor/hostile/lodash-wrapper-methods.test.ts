// Attack: reach lodash's own functions through its chain wrapper instead of the namespace. lodash
// mixes every function into the wrapper prototype, so `_(null).runInContext()` built a lodash on
// the host's own global, and `_.chain(x).uniqueId()` read lodash's module counter, which no run
// resets (a signal from one run to the next). Found by the calling audit.
import { expect, it } from "vitest";
import { usePool } from "../testing/pool-fixture";

const fixture = usePool();

it("cannot build a lodash on the host global from a wrapper", async () => {
  for (const source of [
    `import _ from "lodash";\nexport default () => typeof _(null).runInContext();`,
    `import _ from "lodash";\nexport default () => typeof _.chain(null).runInContext().value();`,
    `import _ from "lodash";\nexport default () => typeof _([]).noConflict();`,
  ]) {
    expect(await fixture.run(source), source).toMatchObject({ outcome: "error", error: { name: "TypeError", message: expect.stringContaining("not available in a rule") } });
  }
});

it("gives the wrapper's uniqueId the run's own sequence", async () => {
  const source = `import _ from "lodash";\nexport default () => [_.chain("a").uniqueId().value(), _("b").uniqueId(), _.uniqueId("c")];`;
  expect(await fixture.run(source)).toMatchObject({ outcome: "ok", output: ["a1", "b2", "c3"] });
  expect(await fixture.run(source)).toMatchObject({ outcome: "ok", output: ["a1", "b2", "c3"] });
});
