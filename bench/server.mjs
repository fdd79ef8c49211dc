// Starts the built app for a benchmark (building it first when stale), the way `npm start` does,
// on a free loopback port with a throwaway SQLite database and a bootstrapped admin
// (RULEBOX_ADMIN_EMAIL/PASSWORD, the documented way), and signs in over HTTP. Shared by
// bench/load.mjs and bench/http.mjs.
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { buildState } from "../scripts/source-fingerprint.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Signs in (POST /api/auth/sign-in) and returns the Cookie header value of the session. */
export async function signIn(baseUrl, email, password) {
  const res = await fetch(`${baseUrl}/api/auth/sign-in`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email, password }) });
  if (res.status !== 200) throw new Error(`signing in as ${email} answered ${res.status}: ${await res.text()}`);
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith("rulebox_session="));
  if (!cookie) throw new Error("sign-in set no session cookie");
  return cookie.split(";")[0];
}

/**
 * @param {{ name: string, log: (line: string) => void, quietBuild?: boolean, env?: Record<string, string> }} options
 * @returns {Promise<{ baseUrl: string, pid: number, cookie: string, stop: () => Promise<void> }>}
 */
export async function startOwnServer({ name, log, quietBuild = false, env = {} }) {
  const state = buildState(root);
  if (state !== "fresh") {
    log(`${name}: ${state === "missing" ? "no production build" : "the build is older than the sources"}; running scripts/build.mjs`);
    const r = spawnSync(process.execPath, [path.join(root, "scripts", "build.mjs")], { cwd: root, stdio: ["ignore", quietBuild ? 2 : "inherit", "inherit"] });
    if (r.status !== 0) throw new Error("build failed");
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `rulebox-${name}-`));
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const admin = { email: `${name}@bench.example`, password: `bench-${randomBytes(12).toString("base64url")}` };
  const child = spawn(process.execPath, [path.join(root, "scripts", "start.mjs")], {
    cwd: root,
    env: {
      ...process.env,
      NODE_ENV: "production",
      HOSTNAME: "127.0.0.1",
      PORT: String(port),
      DATABASE_URL: `file:${path.join(dir, `${name}.db`)}`,
      NEXT_TELEMETRY_DISABLED: "1",
      // As `npm start` sets it (package.json): two malloc arenas, ~20 MB less RSS for the app.
      MALLOC_ARENA_MAX: process.env.MALLOC_ARENA_MAX ?? "2",
      RULEBOX_ADMIN_EMAIL: admin.email,
      RULEBOX_ADMIN_PASSWORD: admin.password,
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const exited = new Promise((resolve) => child.once("exit", resolve));
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server not ready within 120 s\n${output}`)), 120_000);
    child.stdout.on("data", (chunk) => {
      output += chunk;
      if (output.includes(`serving on ${baseUrl}`)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.stderr.on("data", (chunk) => (output += chunk));
    child.once("exit", (code) => reject(new Error(`server exited (${code}) before it was ready\n${output}`)));
  });
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
      await exited;
      clearTimeout(timer);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    return { baseUrl, pid: child.pid, cookie: await signIn(baseUrl, admin.email, admin.password), stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** RSS of a process and all its descendants, in MB, from /proc. */
export function treeRssMb(rootPid) {
  return treeRss(rootPid).totalMb;
}

/** RSS of a process tree, in MB, with each process (its role guessed from its command line). */
export function treeRss(rootPid) {
  const read = (pid, file) => {
    try {
      return fs.readFileSync(`/proc/${pid}/${file}`, "utf8");
    } catch {
      return null;
    }
  };
  const children = new Map();
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = read(entry, "stat");
    if (!stat) continue;
    const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    if (!children.has(ppid)) children.set(ppid, []);
    children.get(ppid).push(Number(entry));
  }
  let kb = 0;
  const processes = [];
  const stack = [rootPid];
  while (stack.length) {
    const pid = stack.pop();
    const match = /VmRSS:\s+(\d+) kB/.exec(read(pid, "status") ?? "");
    if (match) {
      kb += Number(match[1]);
      const cmd = (read(pid, "cmdline") ?? "").split("\0").join(" ");
      // unshare stays as the executor's parent outside its PID namespace (a few MB): named apart.
      const role = /^\S*unshare /.test(cmd) ? "unshare (executor's parent)" : /executor-main/.test(cmd) ? "executor" : /(serve|start)\.mjs/.test(cmd) ? "app (Next + execute listener)" : cmd.slice(0, 60);
      processes.push({ pid, role, mb: Math.round(Number(match[1]) / 102.4) / 10 });
    }
    stack.push(...(children.get(pid) ?? []));
  }
  return { totalMb: kb / 1024, processes };
}
