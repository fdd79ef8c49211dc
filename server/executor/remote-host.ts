// The HTTP side of an executor host (remote-protocol.ts): authenticates the app, re-checks every
// task (shape, limits against this host's own caps, the static analyzer) and hands it to a runner
// (a local ExecutorSupervisor in executor-host.ts; a fake in tests). Holds no state beyond the runs
// in flight: the app records runs, hosts are interchangeable.
// No "server-only": bundled into .executor-dist/executor-host.mjs and driven by unit tests.
import { createHash, timingSafeEqual } from "node:crypto";
import http from "node:http";
import { LRUCache } from "lru-cache";
import { analyzeSource, hasBlockingDiagnostics } from "../analysis/analyze";
import type { Diagnostic, Language, RunResult } from "../contracts/run";
import { runTaskSchema, type RunTaskMessage } from "./ipc";
import { LimitsError, resolveLimits, type LimitCaps } from "../contracts/limits";
import { HEALTH_PATH, REMOTE_PROTOCOL_VERSION, RUNS_PATH, runBatchSchema, type RunAnswer } from "./remote-protocol";
import { crashed } from "./run-stats";
import { isExecutorRefusal, refusalReasonOf } from "./errors";

/** What the host needs from its executor: a local ExecutorSupervisor fits. */
export interface HostRunner {
  run(task: RunTaskMessage): Promise<RunResult>;
  stats(): Promise<object>;
}

export interface HostOptions {
  runner: HostRunner;
  /** Shared secret the app sends as a Bearer token; undefined = no auth (only allowed on loopback, see executor-host.ts). */
  token: string | undefined;
  /** This host's own limit caps: a task asking for more is refused, whatever the app allowed. */
  limitCaps: LimitCaps;
  /** Re-run the static analyzer here (defense in depth); false only with RULEBOX_SKIP_STATIC_CHECK=1. */
  staticCheck: boolean;
  /** Largest accepted request body. Default 16 MiB. */
  maxBodyBytes?: number;
  log?: (level: "info" | "warn" | "error", message: string) => void;
}

export interface ExecutorHost {
  server: http.Server;
  /** Runs accepted and not yet answered. */
  inFlight(): number;
  /** Refuses new batches (503), waits up to graceMs for the open ones to be answered, then closes every connection. */
  drain(graceMs: number): Promise<void>;
}

const ANALYSIS_CACHE_ENTRIES = 1000;
const DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024;

/** Constant-time comparison of the presented Authorization header with the expected token. */
export function checkBearer(header: string | undefined, token: string): boolean {
  const presented = header?.startsWith("Bearer ") ? header.slice("Bearer ".length) : "";
  // Hashing first gives equal lengths, so timingSafeEqual leaks neither content nor length.
  const a = createHash("sha256").update(presented).digest();
  const b = createHash("sha256").update(token).digest();
  return timingSafeEqual(a, b) && presented.length > 0;
}

function sendJson(res: http.ServerResponse, status: number, body: unknown, close = false): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text), ...(close ? { connection: "close" } : {}) });
  res.end(text);
}

function sendError(res: http.ServerResponse, status: number, code: string, message: string, close = false): void {
  sendJson(res, status, { error: { code, message } }, close);
}

/** Reads the body up to maxBytes; undefined (and a 413 already sent) when larger. */
function readBody(req: http.IncomingMessage, res: http.ServerResponse, maxBytes: number): Promise<Buffer | undefined> {
  const declared = Number(req.headers["content-length"] ?? NaN);
  if (declared > maxBytes) {
    sendError(res, 413, "PAYLOAD_TOO_LARGE", `request body larger than ${maxBytes} bytes`, true);
    req.resume();
    return Promise.resolve(undefined);
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on("data", (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > maxBytes) {
        done = true;
        sendError(res, 413, "PAYLOAD_TOO_LARGE", `request body larger than ${maxBytes} bytes`, true);
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => {
      if (!done) resolve(Buffer.concat(chunks));
    });
    req.on("error", () => {
      if (!done) resolve(undefined);
      done = true;
    });
  });
}

/** Builds the host's HTTP server (not listening yet). */
export function createExecutorHost(options: HostOptions): ExecutorHost {
  const log = options.log ?? ((level, message) => console[level](message));
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const cache = new LRUCache<string, Diagnostic[]>({ max: ANALYSIS_CACHE_ENTRIES });
  let draining = false;
  let inFlight = 0;
  const openBatches = new Set<Promise<void>>();

  const analyzeCached = (source: string, language: Language): Diagnostic[] => {
    const key = createHash("sha256").update(language).update("\0").update(source).digest("base64");
    const hit = cache.get(key);
    if (hit) return hit;
    const diagnostics = analyzeSource(source, language);
    cache.set(key, diagnostics);
    return diagnostics;
  };

  /** Every check the app already made, made again: a compromised app must not get more than this host allows. */
  const runOne = async (raw: unknown): Promise<Omit<RunAnswer, "i">> => {
    const parsed = runTaskSchema.safeParse(raw);
    const clock = typeof (raw as { clock?: unknown } | null)?.clock === "number" ? (raw as { clock: number }).clock : 0;
    if (!parsed.success) return { result: crashed(clock, `The executor host received a malformed run: ${parsed.error.issues[0]?.message ?? "invalid"}`) };
    // The noisy lane is this host's own judgement (its supervisor tracks which rules hit limits).
    const { noisy: _ignored, ...task } = parsed.data;
    try {
      task.limits = resolveLimits(task.limits, options.limitCaps);
    } catch (error) {
      if (error instanceof LimitsError) return { result: crashed(task.clock, `The executor host refuses these limits (its caps are lower than the app's): ${error.message}`) };
      throw error;
    }
    if (options.staticCheck) {
      const diagnostics = analyzeCached(task.source, task.language);
      if (hasBlockingDiagnostics(diagnostics)) return { result: { outcome: "blocked", diagnostics, logs: [], durationMs: 0, clock: task.clock } };
    }
    try {
      return { result: await options.runner.run(task) };
    } catch (error) {
      if (isExecutorRefusal(error)) return { refused: { reason: refusalReasonOf(error), message: error.message } };
      const message = error instanceof Error ? error.message : String(error);
      log("error", `executor host: run failed: ${message}`);
      return { result: crashed(task.clock, "The executor host failed to run this task") };
    }
  };

  const handleRuns = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const body = await readBody(req, res, maxBodyBytes);
    if (!body) return;
    let json: unknown;
    try {
      json = JSON.parse(body.toString("utf8"));
    } catch {
      return sendError(res, 400, "BAD_JSON", "the body is not valid JSON");
    }
    const batch = runBatchSchema.safeParse(json);
    if (!batch.success) return sendError(res, 400, "BAD_BATCH", `invalid batch: ${batch.error.issues[0]?.message ?? "invalid"}`);
    if (draining) return sendError(res, 503, "DRAINING", "this executor host is shutting down");
    // Headers before any run starts: the client treats a connection lost before them as "nothing ran".
    res.writeHead(200, { "content-type": "application/x-ndjson", "cache-control": "no-store" });
    res.flushHeaders();
    const runs = batch.data.runs;
    inFlight += runs.length;
    let pending: string[] = [];
    const flush = () => {
      const text = pending.join("");
      pending = [];
      if (text && !res.destroyed) res.write(text);
    };
    const done = Promise.all(
      runs.map(async (raw, i) => {
        let answer: Omit<RunAnswer, "i">;
        try {
          answer = await runOne(raw);
        } catch (error) {
          log("error", `executor host: ${error instanceof Error ? error.message : String(error)}`);
          answer = { result: crashed(0, "The executor host failed to run this task") };
        }
        inFlight -= 1;
        // Results landing in one event-loop turn go out in one write.
        if (pending.length === 0) setImmediate(flush);
        pending.push(JSON.stringify({ i, ...answer }) + "\n");
      }),
    ).then(() => {
      // The last lines and the end of the chunked body in one write: the connection is free for
      // the client's next batch as soon as it has read its results.
      const text = pending.join("");
      pending = [];
      if (!res.destroyed) res.end(text);
    });
    openBatches.add(done);
    void done.finally(() => openBatches.delete(done));
    await done;
  };

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://host");
    const authorized = options.token === undefined || checkBearer(req.headers.authorization, options.token);
    if (url.pathname === HEALTH_PATH && req.method === "GET") {
      if (!authorized) return sendJson(res, 200, { status: draining ? "draining" : "ok", protocol: REMOTE_PROTOCOL_VERSION });
      void options.runner.stats().then(
        (stats) => sendJson(res, 200, { status: draining ? "draining" : "ok", protocol: REMOTE_PROTOCOL_VERSION, stats }),
        (error: unknown) => sendError(res, 500, "STATS_FAILED", error instanceof Error ? error.message : String(error)),
      );
      return;
    }
    if (url.pathname !== RUNS_PATH) return sendError(res, 404, "NOT_FOUND", "no such endpoint");
    if (req.method !== "POST") return sendError(res, 405, "METHOD_NOT_ALLOWED", "use POST");
    if (!authorized) {
      req.resume();
      return sendError(res, 401, "UNAUTHORIZED", "missing or wrong executor token", true);
    }
    void handleRuns(req, res).catch((error: unknown) => {
      log("error", `executor host: ${error instanceof Error ? error.message : String(error)}`);
      if (!res.headersSent) sendError(res, 500, "INTERNAL", "internal error");
      else res.destroy();
    });
  });
  // Longer than the client's idle-socket timeout (remote-client.ts), so the client, not the host,
  // closes an idle keep-alive connection and never sends a batch into a socket being closed.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 70_000;
  server.requestTimeout = 0;

  const drain = async (graceMs: number): Promise<void> => {
    draining = true;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.all([...openBatches]), new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)))]);
    clearTimeout(timer);
    server.closeAllConnections();
    await closed;
  };

  return { server, inFlight: () => inFlight, drain };
}
