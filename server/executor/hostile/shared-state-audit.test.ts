// Attack surface audit: everything a rule can reach from the preloaded libraries is shared by
// every run of a worker, so all of it must be frozen, and none of it may be a collection (Map,
// Set, WeakMap, WeakSet) or a Date, whose contents freezing does not protect. The walk
// (library-walk.ts) follows properties, prototypes and getters, and calls every function and
// method it meets on sample values, so module state that only a method returns is found too
// (dayjs().$utils() was). It runs *as a rule*, one library per run, so it sees exactly what a
// rule sees; a library upgrade that exposes new state fails here. zod's ~80 schema classes share
// most method sources, so its walk calls each method name and source once (dedupeBySource).
import { describe, expect, it } from "vitest";
import { walkLibraries } from "../library-walk";
import { usePool } from "../testing/pool-fixture";

const fixture = usePool();

// Random by design, or the run's own counter (lodash.uniqueId restarts every run:
// preload-state.test.ts): their results may differ between two calls of one run.
const RANDOM_PATHS = [/\b(random|sample|sampleSize|shuffle|uniqueId|randomString)\(/];
// The zod global registry's maps are the run's own (preload.ts): the same object twice in a run.
const PER_RUN_PATHS = [/globalRegistry\._(id)?map\(get\)/];

const ROOTS: Record<string, string> = {
  lodash: `import _ from "lodash";\nconst roots = () => [{ path: "lodash", value: _ }];`,
  dayjs: `import dayjs from "dayjs";\nconst roots = () => [{ path: "dayjs", value: dayjs }, { path: "dayjs()", value: dayjs(), peer: dayjs() }];`,
  // The constructor is the run's own (Decimal.set configures it): a pair with another clone.
  "decimal.js": `import Decimal from "decimal.js";\nconst roots = () => [{ path: "Decimal", value: Decimal, peer: Decimal.clone() }];`,
  zod: `import * as zod from "zod";\nconst roots = () => [{ path: "zod", value: zod }];`,
};

function auditRule(library: string): string {
  return `${ROOTS[library]}
const walkLibraries = ${walkLibraries.toString()};
export default () => {
  const report = walkLibraries(roots(), { dedupeBySource: ${library === "zod"}, maxCalls: 400000, randomPaths: [${RANDOM_PATHS.map(String).join(", ")}], perRunPaths: [${PER_RUN_PATHS.map(String).join(", ")}] });
  return { ...report, mutable: report.mutable.slice(0, 20), stateful: report.stateful.slice(0, 20), divergent: report.divergent.slice(0, 20) };
};`;
}

describe.each(Object.keys(ROOTS))("%s", (library) => {
  it("has nothing mutable, stateful or hidden-stateful that a rule can reach, by property or by calling", async () => {
    const result = await fixture.run(auditRule(library), { limits: { timeoutMs: 60_000, memoryMb: 256, maxOutputBytes: 1_000_000 } });
    expect(result.outcome, JSON.stringify(result.error)).toBe("ok");
    const report = result.output as ReturnType<typeof walkLibraries>;
    expect(report.exhausted).toBe(false);
    expect(report.shared).toBeGreaterThan(100);
    expect(report.calls).toBeGreaterThan(1000);
    expect(report.mutable).toEqual([]);
    expect(report.stateful).toEqual([]);
    expect(report.divergent).toEqual([]);
    // The walk reaches module state by calling: dayjs's Utils only through dayjs().$utils().
    if (library === "dayjs") expect(report.viaCalls).toContain("dayjs().$utils(0)");
  }, 120_000);
});
