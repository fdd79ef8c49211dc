// `npm test`: everything, in order of cost: typecheck, unit, build, integration (started server, on
// SQLite then on a throwaway PostgreSQL cluster), e2e (Chromium). `npm test -- unit e2e` selects stages.
import { spawnSync } from "node:child_process";

const env = { ...process.env, NEXT_TELEMETRY_DISABLED: "1" };
const bin = (name) => `node_modules/.bin/${name}`;
const steps = [
  ["typecheck", bin("tsc"), ["--noEmit", "-p", "tsconfig.json"]],
  ["unit", bin("vitest"), ["run"]],
  ["build", process.execPath, ["scripts/build.mjs"]],
  ["integration", bin("vitest"), ["run", "-c", "vitest.integration.config.ts"]],
  ["integration-pg", process.execPath, ["scripts/with-postgres.mjs", "--", bin("vitest"), "run", "-c", "vitest.integration.config.ts"]],
  ["e2e", bin("playwright"), ["test"]],
];
const only = process.argv.slice(2);
for (const [name, cmd, args] of steps) {
  if (only.length && !only.includes(name)) continue;
  console.log(`\n=== ${name} ===`);
  const r = spawnSync(cmd, args, { stdio: "inherit", env });
  if (r.status !== 0) {
    console.error(`\n${name} failed (exit ${r.status ?? r.signal})`);
    process.exit(r.status ?? 1);
  }
}
console.log("\nall test stages passed");
