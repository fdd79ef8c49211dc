// Attack: objects a library makes only when called in a way the namespace walk never tried, whose
// prototypes or tables every run shares: zod classes built directly (`new z.ZodType(def)`) keep a
// prototype of their own for `_zod` internals; zod's JSON Schema generator hands out its module
// table of processors; zod's base64 helpers throw the host's DOMException (from atob), whose
// prototype is the host's. Found by the calling audit; each is frozen at worker start now.
import { expect, it } from "vitest";
import { usePool } from "../testing/pool-fixture";

const fixture = usePool();

it("cannot change what zod or the host hand out from a call", async () => {
  const attacks: [string, string][] = [
    ["zod class built directly", `import { z } from "zod";\nexport default () => { const s = new z.ZodType({ type: "string" }); Object.getPrototypeOf(s._zod).optin = "optional"; return "changed"; };`],
    ["zod core class called", `import * as zod from "zod";\nexport default () => { Object.getPrototypeOf(zod.core.$ZodRealError([])).evil = 1; return "changed"; };`],
    ["JSON Schema processors", `import * as zod from "zod";\nexport default () => { new zod.core.JSONSchemaGenerator().ctx.processors.string = () => ({ type: "evil" }); return "changed"; };`],
    ["host DOMException", `import * as zod from "zod";\nexport default () => { try { zod.util.base64ToUint8Array("%"); } catch (e) { Object.getPrototypeOf(e).evil = 1; return "changed"; } return "no throw"; };`],
  ];
  for (const [what, source] of attacks) {
    expect(await fixture.run(source), what).toMatchObject({ outcome: "error", error: { name: "TypeError" } });
  }
  const check = await fixture.run(`import { z } from "zod";\nexport default () => ({ json: z.toJSONSchema(z.string()).type, optional: z.object({ a: z.string() }).safeParse({}).success });`);
  expect(check).toMatchObject({ outcome: "ok", output: { json: "string", optional: false } });
});
