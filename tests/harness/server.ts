// Starts the built Rulebox app the way `npm start` does (scripts/start.mjs: migrate, seed, serve)
// on a free loopback port with a fresh database in a temp dir, and stops it again.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import { createRequire } from "node:module";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { buildState } from "../../scripts/source-fingerprint.mjs";

const root = path.resolve(__dirname, "..", "..");
const READY_TIMEOUT_MS = 90_000;
const STOP_TIMEOUT_MS = 15_000;

/** A running app; `stop` is idempotent. */
export interface StartedServer {
  baseUrl: string;
  databaseUrl: string;
  child: ChildProcess;
  /** The first admin the harness bootstrapped (RULEBOX_ADMIN_EMAIL/PASSWORD), null when a test opted out. */
  admin: { email: string; password: string } | null;
  /** Cookie header of a session signed in as that admin ("" when there is none). */
  adminCookie: string;
  /** Everything the server printed so far (for failure messages). */
  output: () => string;
  stop: () => Promise<void>;
}

/** Throws a readable error when there is no production build to start, or it is stale. */
export function assertBuilt(): void {
  const state = buildState(root);
  if (state === "missing") {
    throw new Error("integration tests start the built app, but there is no production build: run `npm run build` first (npm test does)");
  }
  if (state === "stale") {
    throw new Error("integration tests start the built app, but the sources changed since it was built: run `npm run build` first (npm test does)");
  }
}

/** A TCP port nobody listens on right now. */
export function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** The slice of node-postgres the harness uses (pg ships no types of its own). */
interface PgClient {
  connect(): Promise<void>;
  query(sql: string): Promise<unknown>;
  end(): Promise<void>;
}
const requireCjs = createRequire(__filename);

async function withPg<T>(url: string, fn: (client: PgClient) => Promise<T>): Promise<T> {
  const pg = requireCjs("pg") as { Client: new (options: { connectionString: string }) => PgClient };
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/**
 * A fresh empty database for one test run, and how to drop it: a SQLite file in a temp dir, or,
 * when DATABASE_URL names a PostgreSQL server (scripts/with-postgres.mjs), a new database on it.
 */
async function createScratchDatabase(dir: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const server = process.env.DATABASE_URL;
  if (!server || !/^postgres(ql)?:\/\//.test(server)) return { url: `file:${path.join(dir, "rulebox.db")}`, drop: async () => undefined };
  const name = `rulebox_itest_${randomBytes(6).toString("hex")}`;
  await withPg(server, (c) => c.query(`CREATE DATABASE ${name}`));
  const url = new URL(server);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => withPg(server, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined) };
}

/** Starts scripts/start.mjs and resolves once it reports that the app answers /api/health. */
export async function startServer(extraEnv: Record<string, string> = {}): Promise<StartedServer> {
  assertBuilt();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rulebox-itest-"));
  const scratch = await createScratchDatabase(dir);
  const databaseUrl = scratch.url;
  const port = await findFreePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  // The documented way to bootstrap without a browser; a test passes RULEBOX_ADMIN_EMAIL: "" to start with no user.
  const admin = extraEnv.RULEBOX_ADMIN_EMAIL === "" ? null : { email: extraEnv.RULEBOX_ADMIN_EMAIL ?? "admin@itest.example", password: extraEnv.RULEBOX_ADMIN_PASSWORD ?? `itest-${randomBytes(12).toString("base64url")}` };
  const adminEnv = admin ? { RULEBOX_ADMIN_EMAIL: admin.email, RULEBOX_ADMIN_PASSWORD: admin.password } : { RULEBOX_ADMIN_EMAIL: "", RULEBOX_ADMIN_PASSWORD: "" };
  const child = spawn(process.execPath, [path.join(root, "scripts", "start.mjs")], {
    cwd: root,
    env: { ...process.env, NODE_ENV: "production", HOSTNAME: "127.0.0.1", PORT: String(port), DATABASE_URL: databaseUrl, NEXT_TELEMETRY_DISABLED: "1",
      // As if behind one proxy: tests name their client in X-Forwarded-For (per-client throttles,
      // audit addresses). setup.itest.ts checks the default (0: the header is the socket's).
      RULEBOX_TRUSTED_PROXIES: "1",
      // No Python interpreter loads until a test runs a Python rule (python.itest.ts and the
      // hostile pass load one on their first run), even where the database holds Python rules:
      // every started server loading one per executor cost the suite about a minute of CPU.
      RULEBOX_POOL_PYTHON_MIN_THREADS: "0",
      // Python rules on (off by default): the Python suites need them; python-off.itest.ts starts a
      // server at the default.
      RULEBOX_PYTHON_RULES: "on",
      ...extraEnv,
      ...adminEnv,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const ready = new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString("utf8");
      if (output.includes(`serving on ${baseUrl}`)) resolve();
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
    child.once("exit", (code, signal) => reject(new Error(`the app exited before it was ready (code ${code}, signal ${signal})\n${output}`)));
  });
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    }
    await scratch.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  };
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the app was not ready within ${READY_TIMEOUT_MS} ms\n${output}`)), READY_TIMEOUT_MS);
  });
  try {
    await Promise.race([ready, timeout]);
  } catch (err) {
    await stop();
    throw err;
  } finally {
    clearTimeout(timer);
  }
  const adminCookie = admin ? await signInCookie(baseUrl, admin.email, admin.password) : "";
  return { baseUrl, databaseUrl, child, admin, adminCookie, output: () => output, stop };
}

/** Signs in over HTTP (the documented request) and returns the Cookie header value of the session. */
export async function signInCookie(baseUrl: string, email: string, password: string): Promise<string> {
  const res = await fetch(`${baseUrl}/api/auth/sign-in`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email, password }) });
  if (res.status !== 200) throw new Error(`signing in as ${email} answered ${res.status}: ${await res.text()}`);
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith("rulebox_session="));
  if (!cookie) throw new Error("sign-in set no rulebox_session cookie");
  return cookie.split(";")[0]!;
}
