// Attack: keep state in a preloaded library (shared by every run of the worker).
import { expect, it } from "vitest";
import { usePool } from "../testing/pool-fixture";

const fixture = usePool();

it("cannot change the shared libraries", async () => {
  const attempts = [
    `import _ from "lodash";\nexport default () => { _.mixin({ evil: () => 1 }); return "changed"; };`,
    `import _ from "lodash";\nexport default () => { _.templateSettings.interpolate = /x/; return "changed"; };`,
    `import dayjs from "dayjs";\nexport default () => { dayjs.locale("xx", { name: "xx" }); return "changed"; };`,
    `import dayjs from "dayjs";\nexport default () => { dayjs.extend((o, c) => { c.prototype.evil = 1; }); return "changed"; };`,
    `import { z } from "zod";\nexport default () => { z.config({ customError: () => "evil" }); return "changed"; };`,
    `import * as z from "zod";\nexport default () => { z.core.config({ customError: () => "evil" }); return "changed"; };`,
    `import { z } from "zod";\nexport default () => { z.ZodString.prototype.evil = 1; return "changed"; };`,
    `import Decimal from "decimal.js";\nexport default () => { Object.getPrototypeOf(new Decimal(1)).plus = () => 0; return "changed"; };`,
  ];
  for (const source of attempts) {
    const result = await fixture.run(source);
    expect(result, source).toMatchObject({ outcome: "error", error: { name: "TypeError" } });
  }
});

it("gives each run its own Decimal configuration and zod registry", async () => {
  const configure = await fixture.run(`import Decimal from "decimal.js";\nimport { z } from "zod";\nexport default () => {\n  Decimal.set({ precision: 3 });\n  z.string().meta({ id: "shared-id", note: "secret" });\n  return new Decimal(1).div(3).toString();\n};`);
  expect(configure).toMatchObject({ outcome: "ok", output: "0.333" });
  const next = await fixture.run(`import Decimal from "decimal.js";\nimport { z } from "zod";\nexport default () => ({\n  third: new Decimal(1).div(3).toString(),\n  leaked: z.globalRegistry._idmap.get("shared-id") ?? null,\n  again: z.string().meta({ id: "shared-id" }) !== undefined,\n});`);
  expect(next).toMatchObject({ outcome: "ok", output: { third: "0.33333333333333333333", leaked: null, again: true } });
});

it("gives each run its own lodash uniqueId sequence", async () => {
  const source = `import _ from "lodash";\nexport default () => [_.uniqueId(), _.uniqueId("x_")];`;
  expect(await fixture.run(source)).toMatchObject({ outcome: "ok", output: ["1", "x_2"] });
  expect(await fixture.run(source)).toMatchObject({ outcome: "ok", output: ["1", "x_2"] });
});

it("keeps dayjs on the default locale after a rule tried to change it", async () => {
  const result = await fixture.run(`import dayjs from "dayjs";\nexport default () => [dayjs.locale(), dayjs(0).format("MMMM")];`, { clock: 0 });
  expect(result).toMatchObject({ outcome: "ok", output: ["en", "January"] });
});
