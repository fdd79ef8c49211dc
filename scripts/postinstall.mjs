// Runs after `npm install` / `npm ci`: everything a fresh machine needs besides node_modules.
// Nothing here downloads: Monaco and Swagger UI are copied from node_modules, Prisma generates with no engine download.
import { spawnSync } from "node:child_process";

for (const step of ["scripts/setup-monaco.mjs", "scripts/setup-swagger-ui.mjs", "scripts/prisma-generate.mjs"]) {
  const r = spawnSync(process.execPath, [step], { stdio: "inherit" });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
