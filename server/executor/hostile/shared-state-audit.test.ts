// Attack surface audit: everything a rule can reach from the preloaded libraries is shared by
// every run of a worker, so all of it must be frozen, and none of it may be a collection (Map,
// Set, WeakMap, WeakSet) or a Date, whose contents freezing does not protect. The walk runs as
// a rule, so it sees exactly what a rule sees.
import { expect, it } from "vitest";
import { usePool } from "../testing/pool-fixture";

const fixture = usePool();

const AUDIT_RULE = `import _ from "lodash";
import dayjs from "dayjs";
import * as zod from "zod";
import Decimal from "decimal.js";
export default () => {
  const seen = new Set();
  const mutable = [];
  const stateful = [];
  const brands = [[Map, "has"], [Set, "has"], [WeakMap, "has"], [WeakSet, "has"], [Date, "getTime"]];
  const queue = [[_, "lodash"], [dayjs, "dayjs"], [zod, "zod"], [Object.getPrototypeOf(new Decimal(1)), "Decimal.prototype"], [dayjs(), "dayjs()"]];
  while (queue.length > 0) {
    const [value, path] = queue.pop();
    if ((typeof value !== "object" && typeof value !== "function") || value === null || seen.has(value)) continue;
    seen.add(value);
    if (!Object.isFrozen(value) && path !== "dayjs()") mutable.push(path);
    if (path === "dayjs()") { queue.push([Object.getPrototypeOf(value), "dayjs().__proto__"]); continue; }
    for (const [C, method] of brands) {
      try { C.prototype[method].call(value, {}); stateful.push(path + " is a " + C.name); } catch {}
    }
    // A dayjs() instance is the run's own; only what it inherits is shared.
    const keys = path === "dayjs()" ? [] : Reflect.ownKeys(value);
    for (const key of keys) {
      const d = Object.getOwnPropertyDescriptor(value, key);
      const name = path + "." + String(key);
      queue.push([d.value, name], [d.get, name + "(get)"], [d.set, name + "(set)"]);
    }
    queue.push([Object.getPrototypeOf(value), path + ".__proto__"]);
  }
  return { seen: seen.size, mutable: mutable.slice(0, 20), stateful: stateful.slice(0, 20) };
};`;

it("finds nothing mutable and no collection reachable from the preloaded libraries", async () => {
  const result = await fixture.run(AUDIT_RULE, { limits: { timeoutMs: 10_000, maxOutputBytes: 1_000_000 } });
  expect(result.outcome).toBe("ok");
  const { seen, mutable, stateful } = result.output as { seen: number; mutable: string[]; stateful: string[] };
  expect(seen).toBeGreaterThan(1000);
  expect(mutable).toEqual([]);
  expect(stateful).toEqual([]);
});
