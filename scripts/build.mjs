// `npm run build`: Prisma client, the executor bundle (plain JS loaded by path), then Next.js.
import { spawnSync } from "node:child_process";

const env = { ...process.env, NEXT_TELEMETRY_DISABLED: "1" };
const steps = [
  [process.execPath, ["scripts/prisma-generate.mjs"]],
  [process.execPath, ["scripts/build-executor.mjs"]],
  [process.execPath, ["node_modules/next/dist/bin/next", "build"]],
];
for (const [cmd, args] of steps) {
  const r = spawnSync(cmd, args, { stdio: "inherit", env });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
