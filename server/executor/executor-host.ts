// Entry of an executor host (bundled by scripts/build-executor.mjs into
// .executor-dist/executor-host.mjs; `npm run executor-host`): a local ExecutorSupervisor — the same
// process wall as in the app (permission model, scrubbed env, prlimit, network namespace) — served
// over HTTP to apps on other machines (remote-protocol.ts). The host needs no database and no
// credentials other than the shared token; see docs/remote-executors.md.
// No "server-only", no Prisma, no "@/" imports: esbuild bundles this file on its own.
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { readLimitCaps } from "../contracts/limits";
import { createExecutorHost } from "./remote-host";
import { ExecutorSupervisor } from "./supervisor";

const hostEnvSchema = z.object({
  /** host:port to listen on; default loopback only. */
  RULEBOX_EXECUTOR_LISTEN: z.string().min(1).default("127.0.0.1:7070"),
  RULEBOX_EXECUTOR_TOKEN: z.string().optional(),
  RULEBOX_EXECUTOR_MAX_BODY_BYTES: z.coerce.number().int().positive().default(16 * 1024 * 1024),
  /** On SIGTERM, how long open batches may take to finish before connections are cut. */
  RULEBOX_EXECUTOR_DRAIN_MS: z.coerce.number().int().nonnegative().default(15_000),
  RULEBOX_SKIP_STATIC_CHECK: z.string().optional(),
});

const MIN_TOKEN_LENGTH = 16;

/** "host:port", "[v6]:port" or ":port" (all interfaces). */
export function parseListen(value: string): { host: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(value.trim());
  if (!match) throw new Error(`RULEBOX_EXECUTOR_LISTEN must be host:port, got "${value}"`);
  const port = Number(match[3]);
  if (port > 65_535) throw new Error(`RULEBOX_EXECUTOR_LISTEN port out of range: ${port}`);
  return { host: match[1] ?? (match[2] || "0.0.0.0"), port };
}

function isLoopback(host: string): boolean {
  if (host === "localhost") return true;
  if (net.isIPv4(host)) return host.startsWith("127.");
  return host === "::1";
}

function log(level: "info" | "warn" | "error", message: string): void {
  console[level](`[executor-host] ${message}`);
}

async function main(): Promise<void> {
  const env = hostEnvSchema.parse(process.env);
  const listen = parseListen(env.RULEBOX_EXECUTOR_LISTEN);
  const token = env.RULEBOX_EXECUTOR_TOKEN?.trim() || undefined;
  if (!token && !isLoopback(listen.host)) {
    throw new Error(`refusing to listen on ${listen.host}:${listen.port} without RULEBOX_EXECUTOR_TOKEN (only a loopback address may run without a token)`);
  }
  if (token && token.length < MIN_TOKEN_LENGTH) throw new Error(`RULEBOX_EXECUTOR_TOKEN must be at least ${MIN_TOKEN_LENGTH} characters (e.g. \`openssl rand -hex 32\`)`);
  if (!token) log("warn", "no RULEBOX_EXECUTOR_TOKEN: anyone who can reach this loopback port can run code here");
  if (process.env.DATABASE_URL) log("warn", "DATABASE_URL is set but an executor host never uses it; remove it from this host's environment");
  const staticCheck = env.RULEBOX_SKIP_STATIC_CHECK !== "1";
  if (!staticCheck) log("warn", "RULEBOX_SKIP_STATIC_CHECK=1: this host runs tasks without re-running the static analyzer. Never in production.");
  const limitCaps = readLimitCaps(process.env);

  // The executor bundle sits next to this file in .executor-dist/.
  const distDir = path.dirname(fileURLToPath(import.meta.url));
  const supervisor = new ExecutorSupervisor({ distDir, log: (level, message) => log(level, message) });
  // A host serves Python rules of every app that calls it: its interpreters load at start.
  supervisor.preparePython();
  const host = createExecutorHost({ runner: supervisor, token, limitCaps, staticCheck, maxBodyBytes: env.RULEBOX_EXECUTOR_MAX_BODY_BYTES, log });

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log("info", `${signal}: draining (${host.inFlight()} run(s) in flight, up to ${env.RULEBOX_EXECUTOR_DRAIN_MS} ms)`);
    await host.drain(env.RULEBOX_EXECUTOR_DRAIN_MS);
    await supervisor.shutdown(1_000);
    log("info", "stopped");
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));

  await supervisor.ready(60_000);
  await new Promise<void>((resolve, reject) => {
    host.server.once("error", reject);
    host.server.listen(listen.port, listen.host, () => resolve());
  });
  const address = host.server.address();
  const bound = typeof address === "object" && address ? `${address.address.includes(":") ? `[${address.address}]` : address.address}:${address.port}` : env.RULEBOX_EXECUTOR_LISTEN;
  // Tests and process managers wait for this exact line.
  console.log(`[executor-host] listening on http://${bound} (caps: timeout ${limitCaps.caps.timeoutMs} ms, memory ${limitCaps.caps.memoryMb} MB; static check ${staticCheck ? "on" : "SKIPPED"}; auth ${token ? "token" : "none (loopback)"})`);
}

void main().catch((error: unknown) => {
  console.error(`[executor-host] failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
