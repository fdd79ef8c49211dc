// `npm run build`: Prisma client, the executor bundle (plain JS loaded by path), then Next.js; last,
// the fingerprint of the sources it was built from, so `npm start` can tell a stale build.
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { writeBuildStamp } from "./source-fingerprint.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const env = { ...process.env, NEXT_TELEMETRY_DISABLED: "1" };
const steps = [
  [process.execPath, ["scripts/prisma-generate.mjs"]],
  [process.execPath, ["scripts/build-executor.mjs"]],
  [process.execPath, ["node_modules/next/dist/bin/next", "build"]],
];
for (const [cmd, args] of steps) {
  const r = spawnSync(cmd, args, { stdio: "inherit", env, cwd: root });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
// After the build: Next.js may add settings to tsconfig.json on its first build.
writeBuildStamp(root);
