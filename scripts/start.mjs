// `npm start`: build if missing or stale (sources changed since it was made), apply migrations,
// then serve the built app (scripts/serve.mjs: Next.js behind one node:http listener that answers the
// execute endpoints itself).
// HOSTNAME (default 127.0.0.1), PORT (default 3000) and DATABASE_URL (default file:./data/rulebox.db)
// override; the example rules are seeded by instrumentation.ts when the server starts on an empty db.
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { migrate, resolveDatabaseUrl } from "./migrate.mjs";
import { buildState } from "./source-fingerprint.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const host = process.env.HOSTNAME || "127.0.0.1";
const port = process.env.PORT || "3000";
const database = resolveDatabaseUrl();
const env = { ...process.env, NEXT_TELEMETRY_DISABLED: "1", HOSTNAME: host, PORT: port, DATABASE_URL: database.url, NODE_ENV: "production" };

const state = buildState(root);
if (state !== "fresh") {
  console.log(
    state === "missing"
      ? "rulebox: no production build found; running `npm run build` first"
      : "rulebox: the sources changed since the last build; running `npm run build` first",
  );
  const r = spawnSync(process.execPath, [path.join(root, "scripts", "build.mjs")], { cwd: root, stdio: "inherit", env });
  if (r.status !== 0) {
    console.error(`rulebox: build failed (exit ${r.status ?? r.signal})`);
    process.exit(r.status ?? 1);
  }
}

try {
  await migrate({ databaseUrl: database.url, log: (line) => console.log(`rulebox: ${line}`) });
} catch (err) {
  console.error(`rulebox: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}

// The server runs in this process (one process less to keep resident): serve.mjs reads the
// environment set here, listens, and handles SIGTERM/SIGINT itself.
Object.assign(process.env, env);
await import("./serve.mjs");

// Tell the user where to go once the app really answers (the health route touches the db too).
const displayHost = host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host;
const url = `http://${displayHost.includes(":") ? `[${displayHost}]` : displayHost}:${port}`;
for (let attempt = 0; attempt < 600; attempt++) {
  try {
    const res = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(2000) });
    if (res.ok) {
      console.log(`rulebox: serving on ${url} (database ${database.dialect === "sqlite" ? database.file : "postgresql"})`);
      const setup = await fetch(`${url}/api/auth/setup`).then((r) => r.json(), () => null);
      if (setup?.needed) console.log(`rulebox: no account yet: open ${url}/setup to create the first admin`);
      break;
    }
  } catch {
    // not listening yet
  }
  await new Promise((resolve) => setTimeout(resolve, 200));
}
