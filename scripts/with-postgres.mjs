#!/usr/bin/env node
// Runs a command against a throwaway PostgreSQL cluster: initdb in a temp dir, a server on
// loopback only (unix socket in the same dir), DATABASE_URL exported to the command, and
// everything removed afterwards, whatever the command's outcome.
//   node scripts/with-postgres.mjs -- <command> [args...]
// PostgreSQL refuses to run as root, so as root the cluster runs as the `postgres` user.
import { spawnSync, execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import net from "node:net";
import path from "node:path";

const sep = process.argv.indexOf("--");
const command = sep >= 0 ? process.argv.slice(sep + 1) : [];
if (command.length === 0) {
  console.error("usage: node scripts/with-postgres.mjs -- <command> [args...]");
  process.exit(2);
}

function findBin(name) {
  const dirs = [process.env.PG_BIN, ...(process.env.PATH ?? "").split(":"), ...fs.existsSync("/usr/lib/postgresql") ? fs.readdirSync("/usr/lib/postgresql").sort().reverse().map((v) => `/usr/lib/postgresql/${v}/bin`) : []];
  for (const d of dirs) if (d && fs.existsSync(path.join(d, name))) return path.join(d, name);
  throw new Error(`${name} not found: install PostgreSQL server binaries (Debian package postgresql) or set PG_BIN`);
}

async function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

const initdb = findBin("initdb");
const pgCtl = findBin("pg_ctl");
const asRoot = process.getuid?.() === 0;
const runAs = (args) => (asRoot ? ["runuser", ["-u", "postgres", "--", ...args]] : [args[0], args.slice(1)]);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rulebox-pg-"));
const dataDir = path.join(dir, "data");
if (asRoot) execFileSync("chown", ["-R", "postgres", dir]);
const port = await freePort();
let started = false;
let status = 1;
try {
  const [c1, a1] = runAs([initdb, "-D", dataDir, "-U", "rulebox", "--auth=trust", "--encoding=UTF8", "--no-instructions"]);
  execFileSync(c1, a1, { stdio: ["ignore", "ignore", "inherit"] });
  const [c2, a2] = runAs([pgCtl, "-D", dataDir, "-l", path.join(dir, "server.log"), "-w", "-o", `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir} -c fsync=off`, "start"]);
  execFileSync(c2, a2, { stdio: ["ignore", "ignore", "inherit"] });
  started = true;
  const url = `postgresql://rulebox@127.0.0.1:${port}/postgres`;
  console.log(`with-postgres: cluster on 127.0.0.1:${port}`);
  const r = spawnSync(command[0], command.slice(1), { stdio: "inherit", env: { ...process.env, DATABASE_URL: url } });
  status = r.status ?? 1;
} catch (err) {
  console.error(`with-postgres: ${err.message}`);
  try { console.error(fs.readFileSync(path.join(dir, "server.log"), "utf8")); } catch {}
} finally {
  if (started) {
    const [c3, a3] = runAs([pgCtl, "-D", dataDir, "-m", "immediate", "-w", "stop"]);
    spawnSync(c3, a3, { stdio: "ignore" });
  }
  fs.rmSync(dir, { recursive: true, force: true });
}
process.exit(status);
