// Attack: reach Function through errors, including errors thrown by host-loaded libraries.
import { expect, it } from "vitest";
import { PROBE_RULE, usePool } from "../testing/pool-fixture";

const fixture = usePool();

it("cannot reach Function through errors made by the engine, the rule or a library", async () => {
  const sources = [
    `export default () => new Error().constructor.constructor("return process")().pid;`,
    `export default () => { try { null.x; } catch (e) { return e.constructor.constructor("return process")().pid; } };`,
    `import { z } from "zod";\nexport default () => { try { z.string().parse(1); } catch (e) { return e.constructor.constructor("return process")().pid; } };`,
    `import Decimal from "decimal.js";\nexport default () => { try { new Decimal("x"); } catch (e) { return e.constructor.constructor("return process")().pid; } };`,
  ];
  for (const source of sources) {
    const result = await fixture.run(source);
    expect(result, source).toMatchObject({ outcome: "error", error: { name: "TypeError" } });
  }
  expect(await fixture.run(PROBE_RULE)).toMatchObject({ outcome: "ok" });
});

it("sees no host frames or paths in a library error's stack", async () => {
  const result = await fixture.run(`import { z } from "zod";\nexport default () => { try { z.string().parse(1); } catch (e) { return String(e.stack); } };`);
  expect(result.outcome).toBe("ok");
  expect(String(result.output)).not.toMatch(/\/|worker|node:|\.c?js/);
});
