// App side of remote executors: when RULEBOX_EXECUTOR_URLS is set, runs go over HTTP to executor
// hosts (executor-host.ts) instead of local children. Same surface as ExecutorSupervisor (run,
// stats, ready, shutdown), so index.ts and the routes do not change.
// Runs are batched per host per event-loop turn (one request carries every run of the turn) over
// keep-alive connections; a host is picked by fewest runs in flight; a host that fails a request
// or a health check is marked down for a growing backoff and only a passing health check brings
// it back. A run that may have started on a host that then failed is answered `crashed`, never
// retried (a rule need not be idempotent); a batch that provably never started moves to another
// host. No host available → ExecutorBusyError (HTTP 503).
//
// Transport: undici, two Pools per host (runs: up to 64 keep-alive connections; health checks: 2
// of their own, so they never queue behind long batches), no pipelining, never undici's retries.
// Everything a host sends is bounded, because a broken or hostile host must not be able to grow
// the app's memory or hold its requests open:
//   - connecting: CONNECT_TIMEOUT_MS; a connection never made sent nothing, so the batch moves on;
//   - the answer headers: headersTimeoutMs, counted from handing the body to the socket, so it also
//     bounds the upload (a host that stops reading the body) and the host's parsing of it; the
//     host sends the headers before it starts any run, so a live host is never near it;
//   - the answer body: one NDJSON line is at most maxAnswerLineBytes (by default derived from the
//     limit caps, computeMaxAnswerLineBytes: no honest result can be longer) and the whole answer
//     ends by the batch's deadline (largest timeoutMs + graceMs); beyond either the stream is
//     broken and the runs still open are answered `crashed`;
//   - a health answer is at most MAX_HEALTH_BODY_BYTES (a status and a stats snapshot of at most
//     16 executors is a few KiB), else the host is unhealthy; error bodies are read for 4 KiB.
// No "server-only" so unit tests can drive it; index.ts is the server-only facade.
import { Client, Pool, type Dispatcher } from "undici";
import { z } from "zod";
import { getLimitCaps } from "../contracts/limits";
import type { Limits, RunResult } from "../contracts/run";
import { ExecutorBusyError, RuleThrottledError } from "./errors";
import { parseRunResult, type RunTaskMessage } from "./ipc";
import { HEALTH_PATH, REMOTE_PROTOCOL_VERSION, RUNS_PATH, hostHealthSchema, runAnswerSchema } from "./remote-protocol";
import { RunStats, addPoolTotals, crashed, emptyPoolTotals } from "./run-stats";
import type { ExecutorProcessStats, ExecutorStats } from "./supervisor";

/** What the app uses of an executor: ExecutorSupervisor (local children) and RemoteExecutorClient both fit. */
export interface RunExecutor {
  run(task: RunTaskMessage): Promise<RunResult>;
  stats(): Promise<ExecutorStats>;
  ready(timeoutMs?: number): Promise<void>;
  shutdown(graceMs?: number): Promise<void>;
  /** Python rules are in use: load Python interpreters ahead of the first Python run. */
  preparePython(): void;
}

export interface RemoteClientOptions {
  /** Base URLs of the executor hosts (http: or https:). */
  urls: string[];
  token?: string;
  /**
   * Added to a batch's largest timeoutMs: past that the app stops waiting and answers `crashed`.
   * Default 35 s: longer than a host's own answer grace (30 s, supervisor.ts), so a live host
   * always answers first and only a hung host or a cut network reaches this deadline.
   */
  graceMs?: number;
  healthIntervalMs?: number;
  /** Timeout of one health check. */
  healthTimeoutMs?: number;
  /** First backoff after a failure; doubles per consecutive failure up to maxBackoffMs. */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** Runs in flight per host beyond which the host is skipped (all full → ExecutorBusyError). */
  maxInFlightPerHost?: number;
  /** Runs per request at most; a turn with more sends several requests. */
  maxBatch?: number;
  /** Request body bytes at most (a host refuses more than 16 MiB by default); one larger run still goes alone. */
  maxBatchBytes?: number;
  /**
   * A host with runs in flight that has failed every health check for this long is taken as hung:
   * its runs are answered `crashed` now instead of at their deadline (the local supervisor's
   * heartbeat does the same for a silent child).
   */
  silenceMs?: number;
  /** Time to open a connection to a host. Default CONNECT_TIMEOUT_MS. */
  connectTimeoutMs?: number;
  /**
   * Time from handing a batch to the socket to the answer's headers (upload + the host's parsing;
   * no run has started before them). Default RUN_HEADERS_TIMEOUT_MS.
   */
  headersTimeoutMs?: number;
  /** Longest NDJSON answer line accepted. Default computeMaxAnswerLineBytes(the limit caps). */
  maxAnswerLineBytes?: number;
  log?: (level: "info" | "warn" | "error", message: string) => void;
}

const remoteEnvSchema = z.object({
  RULEBOX_EXECUTOR_URLS: z.string().min(1),
  RULEBOX_EXECUTOR_TOKEN: z.string().optional(),
  RULEBOX_EXECUTOR_REMOTE_GRACE_MS: z.coerce.number().int().positive().default(35_000),
  RULEBOX_EXECUTOR_SILENCE_MS: z.coerce.number().int().positive().default(10_000),
  RULEBOX_EXECUTOR_HEALTH_MS: z.coerce.number().int().positive().default(2_000),
  RULEBOX_EXECUTOR_MAX_INFLIGHT: z.coerce.number().int().positive().optional(),
});

/**
 * Errors raised before any byte reached a host: the batch provably never started. undici writes a
 * request only once connected, so its connect timeout belongs here too.
 */
const NOT_CONNECTED = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH", "ECONNABORTED", "UND_ERR_CONNECT_TIMEOUT"]);
/**
 * A keep-alive socket the host had already closed, as the write onto it fails: reset, broken pipe,
 * or undici's "other side closed" (a FIN, which node:http reported as ECONNRESET "socket hang up").
 */
const STALE_SOCKET = new Set(["ECONNRESET", "EPIPE", "UND_ERR_SOCKET"]);

/** Time to open a connection to a host. */
export const CONNECT_TIMEOUT_MS = 5_000;
/** Default for headersTimeoutMs: an 8 MiB batch at ~10 Mbit/s plus the host's parsing, with room. */
export const RUN_HEADERS_TIMEOUT_MS = 15_000;
/** A health answer larger than this makes the host unhealthy (a real one is a few KiB). */
export const MAX_HEALTH_BODY_BYTES = 64 * 1024;
/** Bytes of a non-200 answer read for its message. */
const MAX_ERROR_BODY_BYTES = 4096;
/** Idle connections are closed by us after 30 s, before the host's 65 s keep-alive timeout (remote-host.ts). */
const IDLE_SOCKET_MS = 30_000;
/** Connections per host for batches (as many batches in flight at once). */
const RUN_CONNECTIONS = 64;
/** Connections per host for health checks: their own, so they never queue behind long batches. */
const HEALTH_CONNECTIONS = 2;

// What bounds one answer line, from the workers (worker.ts, python/runner.py): output ≤
// maxOutputBytes and log text ≤ maxLogBytes as UTF-8, at most 10,000 log entries; the rest (error
// name ≤ 200 and message ≤ 4,000 characters, ≤ 20 frames, ≤ 101 diagnostics, numbers) is small.
/** JSON escaping turns one byte into at most six (`\u001f`). */
const JSON_ESCAPE_FACTOR = 6;
const MAX_LOG_ENTRIES = 10_000;
/** `{"level":"debug","message":""},` with room. */
const LOG_ENTRY_ENVELOPE_BYTES = 64;
/** `{"i":…,"result":{…}}` around output and logs: error, frames, diagnostics, numbers. */
const RESULT_ENVELOPE_BYTES = 1024 * 1024;

/**
 * Longest NDJSON answer line a host can honestly send for runs within `caps` (9.1 MiB for the
 * default caps): a longer line is a broken or hostile host, not a result.
 */
export function computeMaxAnswerLineBytes(caps: Pick<Limits, "maxOutputBytes" | "maxLogBytes">): number {
  return JSON_ESCAPE_FACTOR * (caps.maxOutputBytes + caps.maxLogBytes) + MAX_LOG_ENTRIES * LOG_ENTRY_ENVELOPE_BYTES + RESULT_ENVELOPE_BYTES;
}

type HostState = "unknown" | "up" | "down";

interface PendingRun {
  task: RunTaskMessage;
  resolve: (result: RunResult) => void;
  reject: (error: Error) => void;
  /** Hosts this run was already refused by (never ran there); it is not sent to them again. */
  triedHosts: Set<RemoteHost>;
}

/** One executor host as the client sees it. */
class RemoteHost {
  state: HostState = "unknown";
  inFlight = 0;
  failures = 0;
  downUntil = 0;
  lastError: string | null = null;
  /** performance.now() of the last passing health check (or of creation). */
  lastHealthyAt = performance.now();
  outbox: PendingRun[] = [];
  /** Open requests, each with a way to abort it with a reason its runs are answered with. */
  readonly requests = new Set<(why: string) => void>();
  stats: Record<string, unknown> | undefined;
  constructor(
    readonly index: number,
    readonly url: URL,
    /** Batches: RunConnection clients, so a request knows whether its socket was reused. */
    readonly runPool: Pool,
    readonly healthPool: Pool,
  ) {}
  get label(): string {
    return this.url.host;
  }
}

/** Parses RULEBOX_EXECUTOR_URLS: comma-separated http(s) base URLs. */
export function parseExecutorUrls(value: string): URL[] {
  const urls = value
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => {
      let url: URL;
      try {
        url = new URL(s);
      } catch {
        throw new Error(`RULEBOX_EXECUTOR_URLS: "${s}" is not a URL`);
      }
      if (url.protocol !== "http:" && url.protocol !== "https:") throw new Error(`RULEBOX_EXECUTOR_URLS: "${s}" must be http: or https:`);
      return url;
    });
  if (urls.length === 0) throw new Error("RULEBOX_EXECUTOR_URLS lists no URL");
  return urls;
}

/** Backoff after `failures` consecutive failures (≥ 1): base × 2^(n−1), capped. */
export function computeHostBackoff(failures: number, baseMs: number, maxMs: number): number {
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, failures - 1));
}

/** Talks to executor hosts over HTTP; one per app (singleton.ts). */
export class RemoteExecutorClient implements RunExecutor {
  private readonly hosts: RemoteHost[];
  private readonly opts: Required<Omit<RemoteClientOptions, "token" | "urls" | "log">>;
  private readonly token: string | undefined;
  private readonly log: NonNullable<RemoteClientOptions["log"]>;
  private readonly runStats = new RunStats();
  private healthTimer: NodeJS.Timeout | undefined;
  private readonly readyWaiters = new Set<() => void>();
  private stopping = false;
  private nextPick = 0;
  private started = false;
  private firstCheck: Promise<void> | undefined;

  constructor(options: RemoteClientOptions) {
    if (options.urls.length === 0) throw new Error("RemoteExecutorClient needs at least one URL");
    this.token = options.token;
    this.log = options.log ?? ((level, message) => console[level](message));
    this.opts = {
      graceMs: options.graceMs ?? 35_000,
      healthIntervalMs: options.healthIntervalMs ?? 2_000,
      healthTimeoutMs: options.healthTimeoutMs ?? 2_000,
      backoffMs: options.backoffMs ?? 500,
      maxBackoffMs: options.maxBackoffMs ?? 30_000,
      maxInFlightPerHost: options.maxInFlightPerHost ?? 1024,
      maxBatch: options.maxBatch ?? 64,
      maxBatchBytes: options.maxBatchBytes ?? 8 * 1024 * 1024,
      silenceMs: options.silenceMs ?? 10_000,
      connectTimeoutMs: options.connectTimeoutMs ?? CONNECT_TIMEOUT_MS,
      headersTimeoutMs: options.headersTimeoutMs ?? RUN_HEADERS_TIMEOUT_MS,
      maxAnswerLineBytes: options.maxAnswerLineBytes ?? computeMaxAnswerLineBytes(getLimitCaps().caps),
    };
    const common = {
      pipelining: 1,
      keepAliveTimeout: IDLE_SOCKET_MS,
      // The host's keep-alive hint (65 s) must not stretch our idle timeout past its own.
      keepAliveMaxTimeout: IDLE_SOCKET_MS,
      connect: { timeout: this.opts.connectTimeoutMs },
    };
    this.hosts = options.urls.map((u, i) => {
      const url = new URL(u);
      const runPool = new Pool(url.origin, {
        ...common,
        connections: RUN_CONNECTIONS,
        headersTimeout: this.opts.headersTimeoutMs,
        factory: (origin, opts) => new RunConnection(origin, opts as Pool.Options),
      });
      const healthPool = new Pool(url.origin, {
        ...common,
        connections: HEALTH_CONNECTIONS,
        connect: { timeout: Math.min(this.opts.connectTimeoutMs, this.opts.healthTimeoutMs) },
        headersTimeout: this.opts.healthTimeoutMs,
        bodyTimeout: this.opts.healthTimeoutMs,
        maxResponseSize: MAX_HEALTH_BODY_BYTES,
      });
      return new RemoteHost(i, url, runPool, healthPool);
    });
  }

  /** A client configured from RULEBOX_EXECUTOR_URLS, RULEBOX_EXECUTOR_TOKEN and friends. */
  static fromEnv(env: NodeJS.ProcessEnv = process.env): RemoteExecutorClient {
    const parsed = remoteEnvSchema.parse(env);
    const urls = parseExecutorUrls(parsed.RULEBOX_EXECUTOR_URLS);
    const token = parsed.RULEBOX_EXECUTOR_TOKEN?.trim() || undefined;
    const client = new RemoteExecutorClient({
      urls: urls.map(String),
      token,
      graceMs: parsed.RULEBOX_EXECUTOR_REMOTE_GRACE_MS,
      healthIntervalMs: parsed.RULEBOX_EXECUTOR_HEALTH_MS,
      silenceMs: parsed.RULEBOX_EXECUTOR_SILENCE_MS,
      ...(parsed.RULEBOX_EXECUTOR_MAX_INFLIGHT ? { maxInFlightPerHost: parsed.RULEBOX_EXECUTOR_MAX_INFLIGHT } : {}),
    });
    if (!token) client.log("warn", "executor: RULEBOX_EXECUTOR_TOKEN is not set; only a loopback host without a token will accept runs");
    client.log("info", `executor: remote hosts ${urls.map((u) => u.host).join(", ")}`);
    return client;
  }

  /** Starts the health checks; idempotent. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.firstCheck = this.checkAll();
    this.healthTimer = setInterval(() => void this.checkAll(), this.opts.healthIntervalMs);
    this.healthTimer.unref();
  }

  /**
   * Resolves once a host passed a health check (with the token). Rejects at once when the first
   * round of checks found every host down (the reason says why: unreachable, token refused…), or
   * after timeoutMs. Hosts keep being checked either way; runs flow as soon as one passes.
   */
  async ready(timeoutMs = 30_000): Promise<void> {
    this.start();
    await this.firstCheck;
    if (this.hosts.some((h) => h.state === "up")) return;
    if (this.hosts.every((h) => h.state === "down")) throw new Error(`No executor host is healthy (${this.describeHosts()})`);
    await new Promise<void>((resolve, reject) => {
      const waiter = () => {
        if (!this.hosts.some((h) => h.state === "up")) return;
        clearTimeout(timer);
        this.readyWaiters.delete(waiter);
        resolve();
      };
      const timer = setTimeout(() => {
        this.readyWaiters.delete(waiter);
        reject(new Error(`No executor host became healthy within ${timeoutMs} ms (${this.describeHosts()})`));
      }, timeoutMs);
      this.readyWaiters.add(waiter);
    });
  }

  /**
   * Runs one task on a host. Resolves with the host's validated result, or `crashed` when the host
   * fails while the run may have started. Throws ExecutorBusyError when no host can take it
   * (all down, all full, or shutting down) and RuleThrottledError when the host throttles the rule.
   */
  run(task: RunTaskMessage): Promise<RunResult> {
    if (this.stopping) return Promise.reject(new ExecutorBusyError("shutting_down"));
    this.start();
    return new Promise<RunResult>((resolve, reject) => {
      const startedAt = performance.now();
      const pending: PendingRun = {
        task,
        triedHosts: new Set(),
        resolve: (result) => {
          this.runStats.record(result.outcome, performance.now() - startedAt);
          resolve(result);
        },
        reject,
      };
      this.enqueue(pending);
    });
  }

  private enqueue(pending: PendingRun): void {
    const host = this.pickHost(pending.triedHosts);
    if (!host) {
      pending.reject(new ExecutorBusyError("queue_full", `No executor host is available (${this.describeHosts()}); retry shortly`));
      return;
    }
    host.inFlight += 1;
    if (host.outbox.length === 0) setImmediate(() => this.flush(host));
    host.outbox.push(pending);
  }

  /** Fewest runs in flight among usable hosts; ties go round-robin. */
  private pickHost(exclude: Set<RemoteHost>): RemoteHost | undefined {
    let best: RemoteHost | undefined;
    const n = this.hosts.length;
    for (let k = 0; k < n; k++) {
      const host = this.hosts[(this.nextPick + k) % n]!;
      if (host.state === "down" || exclude.has(host) || host.inFlight >= this.opts.maxInFlightPerHost) continue;
      if (!best || host.inFlight < best.inFlight) best = host;
    }
    if (best) this.nextPick = (best.index + 1) % n;
    return best;
  }

  private describeHosts(): string {
    return this.hosts.map((h) => `${h.label}: ${h.state}${h.lastError ? ` (${h.lastError})` : ""}`).join("; ");
  }

  private markDown(host: RemoteHost, reason: string): void {
    host.failures += 1;
    host.lastError = reason;
    host.downUntil = performance.now() + computeHostBackoff(host.failures, this.opts.backoffMs, this.opts.maxBackoffMs);
    if (host.state !== "down") this.log("error", `executor host ${host.label} marked down: ${reason}`);
    host.state = "down";
  }

  private markUp(host: RemoteHost): void {
    if (host.state === "down") this.log("info", `executor host ${host.label} is back`);
    host.state = "up";
    host.lastHealthyAt = performance.now();
    host.failures = 0;
    host.lastError = null;
    for (const waiter of [...this.readyWaiters]) waiter();
  }

  /** Sends the host's outbox as requests of at most maxBatch runs and maxBatchBytes each. */
  private flush(host: RemoteHost): void {
    const queued = host.outbox;
    host.outbox = [];
    let runs: PendingRun[] = [];
    let parts: string[] = [];
    let bytes = 0;
    for (const pending of queued) {
      let json: string;
      try {
        json = JSON.stringify(pending.task);
      } catch (error) {
        host.inFlight -= 1;
        pending.resolve(crashed(pending.task.clock, `The run could not be sent to an executor host: ${error instanceof Error ? error.message : String(error)}`));
        continue;
      }
      const size = Buffer.byteLength(json) + 1;
      if (runs.length > 0 && (runs.length >= this.opts.maxBatch || bytes + size > this.opts.maxBatchBytes)) {
        this.send(host, runs, parts);
        runs = [];
        parts = [];
        bytes = 0;
      }
      runs.push(pending);
      parts.push(json);
      bytes += size;
    }
    if (runs.length > 0) this.send(host, runs, parts);
  }

  /** Sends one batch (`parts`: each task as JSON); every run in it is answered exactly once (result, crashed, refusal or re-routed). */
  private send(host: RemoteHost, batch: PendingRun[], parts: string[]): void {
    const answered = new Array<boolean>(batch.length).fill(false);
    let open = batch.length;
    const settle = (i: number, fn: (p: PendingRun) => void) => {
      if (answered[i]) return;
      answered[i] = true;
      open -= 1;
      host.inFlight -= 1;
      fn(batch[i]!);
    };
    const settleRest = (fn: (p: PendingRun) => void) => batch.forEach((_, i) => settle(i, fn));
    /** The host never started these: try another host (never this one again). */
    const reroute = (p: PendingRun) => {
      p.triedHosts.add(host);
      this.enqueue(p);
    };

    const body = Buffer.from(`{"runs":[${parts.join(",")}]}`);
    const maxTimeout = Math.max(...batch.map((p) => p.task.limits.timeoutMs));
    const deadlineMs = maxTimeout + this.opts.graceMs;
    const url = new URL(RUNS_PATH.slice(1), withSlash(host.url));
    let status: number | undefined;
    /** Why the app gave up on this request (deadline, silent host, broken answer, shutdown); undefined while it has not. */
    let abandoned: string | undefined;
    let abort: ((error: Error) => void) | undefined;
    const abandon = (why: string) => {
      abandoned ??= why;
      // Not on a connection yet: nothing was sent; onConnect aborts it before it is.
      if (abort) abort(new Error(why));
      else failRest(why);
    };
    const timer = setTimeout(() => {
      this.markDown(host, `no complete answer within ${deadlineMs} ms`);
      abandon(`did not answer within ${deadlineMs} ms`);
    }, deadlineMs);
    const finish = () => {
      clearTimeout(timer);
      host.requests.delete(abandon);
    };
    const failRest = (why: string) => {
      finish();
      settleRest((p) => p.resolve(crashed(p.task.clock, `The executor host ${host.label} ${why}; the run may or may not have started there and is not retried`)));
    };
    const errorBody: Buffer[] = [];
    let errorBytes = 0;
    const lines = new LineSplitter(this.opts.maxAnswerLineBytes, (line) => this.onAnswerLine(host, batch, line, settle));

    const connected = (abortRequest: (error: Error) => void) => {
      abort = abortRequest;
      if (abandoned !== undefined) abortRequest(new Error(abandoned));
    };
    const headers = (statusCode: number) => {
      status = statusCode;
    };
    const data = (chunk: Buffer) => {
      if (status !== 200) {
        if (errorBytes < MAX_ERROR_BODY_BYTES) {
          errorBody.push(Buffer.from(chunk.subarray(0, MAX_ERROR_BODY_BYTES - errorBytes)));
          errorBytes += Math.min(chunk.length, MAX_ERROR_BODY_BYTES - errorBytes);
        }
        return;
      }
      if (!lines.push(chunk) && abandoned === undefined) {
        // No honest result is this long: the stream is broken, the runs still open are lost.
        // Aborted after undici's parser returns, not from inside its callback.
        this.markDown(host, `answer line over ${this.opts.maxAnswerLineBytes} bytes`);
        abandoned = `sent an answer line over ${this.opts.maxAnswerLineBytes} bytes`;
        queueMicrotask(() => abandon(abandoned!));
      }
    };
    const complete = () => {
      finish();
      if (status !== 200) {
        const message = describeHttpError(status ?? 0, Buffer.concat(errorBody).toString("utf8"));
        if (status === 401 || status === 403 || status === 503) {
          // Refused before any run started (wrong token, draining): safe to try another host.
          this.markDown(host, message);
          settleRest(reroute);
        } else {
          settleRest((p) => p.resolve(crashed(p.task.clock, `The executor host ${host.label} refused the batch: ${message}`)));
        }
        return;
      }
      if (open > 0) {
        this.markDown(host, "answer ended early");
        settleRest((p) => p.resolve(crashed(p.task.clock, `The executor host ${host.label} ended its answer without this run's result`)));
      }
    };
    const failed = (error: Error & { code?: string }) => {
      finish();
      if (open === 0) return;
      const code = error.code ?? "";
      if (status !== undefined) {
        // Connection lost mid-answer (host killed, network cut, our deadline): these may have started.
        const why = abandoned ?? "failed while this run was in flight (connection lost)";
        if (abandoned === undefined) this.markDown(host, "connection lost mid-answer");
        settleRest((p) => p.resolve(crashed(p.task.clock, `The executor host ${host.label} ${why}; the run may or may not have completed there and is not retried`)));
        return;
      }
      // Before the response headers: the host sends them before starting any run, so a refused
      // connection, or a reused keep-alive socket the host had already closed, ran nothing.
      const neverStarted = abandoned === undefined && (NOT_CONNECTED.has(code) || (handler.reusedSocket && STALE_SOCKET.has(code)));
      if (neverStarted) {
        if (NOT_CONNECTED.has(code)) this.markDown(host, `${code} ${error.message}`);
        settleRest(NOT_CONNECTED.has(code) ? reroute : (p) => this.enqueue(p));
        return;
      }
      if (abandoned === undefined) this.markDown(host, `${code || error.name}: ${error.message}`);
      failRest(abandoned ?? `failed (${code || error.message})`);
    };
    const handler = new BatchHandler({ connected, headers, data, complete, failed });
    host.requests.add(abandon);

    try {
      host.runPool.dispatch(
        {
          origin: host.url.origin,
          path: url.pathname + url.search,
          method: "POST",
          headers: { "content-type": "application/json", ...(this.token ? { authorization: `Bearer ${this.token}` } : {}) },
          body,
          // Between two answer lines the host may be running a batch's longest run: only the deadline bounds that.
          bodyTimeout: deadlineMs,
        },
        handler,
      );
    } catch (error) {
      // A destroyed pool (shutdown raced the send): nothing was sent.
      failed(error instanceof Error ? error : new Error(String(error)));
    }
  }

  private onAnswerLine(host: RemoteHost, batch: PendingRun[], line: string, settle: (i: number, fn: (p: PendingRun) => void) => void): void {
    if (!line.trim()) return;
    let parsed;
    try {
      parsed = runAnswerSchema.safeParse(JSON.parse(line));
    } catch {
      parsed = undefined;
    }
    if (!parsed?.success || parsed.data.i >= batch.length) {
      this.log("error", `executor host ${host.label}: malformed answer line dropped`);
      return;
    }
    const answer = parsed.data;
    if ("refused" in answer) {
      const { reason, message } = answer.refused;
      settle(answer.i, (p) => {
        if (reason === "throttled") p.reject(new RuleThrottledError(0));
        else {
          // Full or stopping host: the run never started, so another host may take it.
          p.triedHosts.add(host);
          const other = this.pickHost(p.triedHosts);
          if (other) this.enqueue(p);
          else p.reject(new ExecutorBusyError(reason === "shutting_down" ? "shutting_down" : "queue_full", `executor host ${host.label}: ${message}`));
        }
      });
      return;
    }
    settle(answer.i, (p) => p.resolve(parseRunResult(answer.result, p.task.clock)));
  }

  /**
   * One health check of every host that is up, unknown, or down with its backoff over; then the
   * runs in flight on a host silent for silenceMs are answered `crashed`.
   */
  private async checkAll(): Promise<void> {
    const now = performance.now();
    await Promise.all(
      this.hosts.map(async (host) => {
        if (!(host.state === "down" && now < host.downUntil)) {
          const health = await this.fetchHealth(host);
          if (typeof health === "string") this.markDown(host, health);
          else {
            host.stats = health.stats;
            this.markUp(host);
          }
        }
        const silentMs = performance.now() - host.lastHealthyAt;
        if (host.state === "down" && host.requests.size > 0 && silentMs > this.opts.silenceMs) {
          const why = `stopped answering health checks ${Math.round(silentMs)} ms ago (${host.lastError ?? "down"})`;
          for (const abandon of [...host.requests]) abandon(why);
        }
      }),
    );
  }

  /** The host's health with stats, or why it is not healthy. */
  private async fetchHealth(host: RemoteHost): Promise<z.infer<typeof hostHealthSchema> | string> {
    const url = new URL(HEALTH_PATH.slice(1), withSlash(host.url));
    const controller = new AbortController();
    // A timer of its own, not only undici's: it also covers the wait for a connection.
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, this.opts.healthTimeoutMs);
    const timeoutMessage = `health check timed out after ${this.opts.healthTimeoutMs} ms`;
    let statusCode: number;
    let text: string;
    try {
      let res: Dispatcher.ResponseData;
      try {
        res = await host.healthPool.request({
          path: url.pathname + url.search,
          method: "GET",
          headers: this.token ? { authorization: `Bearer ${this.token}` } : {},
          signal: controller.signal,
        });
      } catch (error) {
        if (timedOut) return timeoutMessage;
        const { code, message } = error as Error & { code?: string };
        return `${code ? `${code} ` : ""}${message}`;
      }
      statusCode = res.statusCode;
      try {
        text = await res.body.text();
      } catch (error) {
        if (timedOut) return timeoutMessage;
        if ((error as { code?: string }).code === "UND_ERR_RES_EXCEEDED_MAX_SIZE") return `health answer larger than ${MAX_HEALTH_BODY_BYTES} bytes`;
        return "health answer interrupted";
      }
    } finally {
      clearTimeout(timer);
    }
    if (statusCode !== 200) return describeHttpError(statusCode, text);
    let parsed;
    try {
      parsed = hostHealthSchema.safeParse(JSON.parse(text));
    } catch {
      return "health answer is not JSON";
    }
    if (!parsed.success) return "health answer has the wrong shape";
    const health = parsed.data;
    if (health.protocol !== REMOTE_PROTOCOL_VERSION) return `speaks protocol ${health.protocol}, this app ${REMOTE_PROTOCOL_VERSION}`;
    if (health.status !== "ok") return `host is ${health.status}`;
    // Without stats the host did not accept our token (it answers anonymous probes briefly).
    if (!health.stats) return "the host did not accept the executor token";
    return health;
  }

  /**
   * The app's view (runs by outcome, latency, in flight: counted here, including `crashed` answers
   * no host gave) merged with each reachable host's own stats; `remote.hosts` says which is up.
   */
  async stats(): Promise<ExecutorStats & { remote: { hosts: RemoteHostStats[] } }> {
    this.start();
    await Promise.all(
      this.hosts.map(async (host) => {
        if (host.state === "down") return;
        const health = await this.fetchHealth(host);
        host.stats = typeof health === "string" ? undefined : health.stats;
      }),
    );
    const executors: ExecutorProcessStats[] = [];
    const pool = emptyPoolTotals();
    let executorRestarts = 0;
    let alive = 0;
    let queueDepth = 0;
    let quarantinedRules = 0;
    const noisy = { rules: 0, inFlight: 0, waiting: 0 };
    let wall: ExecutorStats["wall"] = null;
    for (const host of this.hosts) {
      const s = host.state === "down" ? undefined : (host.stats as Partial<ExecutorStats> | undefined);
      if (!s) continue;
      for (const e of s.executors ?? []) executors.push({ ...e, index: executors.length });
      executorRestarts += s.executorRestarts ?? 0;
      alive += s.alive ?? 0;
      queueDepth += s.queueDepth ?? 0;
      quarantinedRules += s.quarantinedRules ?? 0;
      noisy.rules += s.noisy?.rules ?? 0;
      noisy.inFlight += s.noisy?.inFlight ?? 0;
      noisy.waiting += s.noisy?.waiting ?? 0;
      if (s.pool) addPoolTotals(pool, s.pool);
      wall ??= s.wall ?? null;
    }
    return {
      executors,
      alive,
      executorRestarts,
      inFlight: this.hosts.reduce((n, h) => n + h.inFlight, 0),
      queueDepth,
      runLatencyMs: this.runStats.latencySnapshot(),
      quarantinedRules,
      noisy,
      runsByOutcome: this.runStats.runsByOutcome(),
      pool,
      wall,
      remote: {
        hosts: this.hosts.map((h) => ({ url: h.url.origin, state: h.state, inFlight: h.inFlight, failures: h.failures, lastError: h.lastError })),
      },
    };
  }

  /** Stops taking runs, waits up to graceMs for those in flight, then cuts the connections (left runs → `crashed`). Hosts keep running. */
  /** Nothing to do from here: an executor host loads its Python interpreters itself when it starts (executor-host.ts). */
  preparePython(): void {}

  async shutdown(graceMs = 5_000): Promise<void> {
    this.stopping = true;
    if (this.healthTimer) clearInterval(this.healthTimer);
    const deadline = performance.now() + graceMs;
    while (this.hosts.some((h) => h.inFlight > 0) && performance.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    for (const host of this.hosts) for (const abandon of [...host.requests]) abandon("was still running it when the app shut down");
    await Promise.all(this.hosts.flatMap((h) => [h.runPool, h.healthPool]).map((pool) => pool.destroy().catch(() => undefined)));
  }
}

/** A host as shown in stats (`remote.hosts`). */
export interface RemoteHostStats {
  url: string;
  state: HostState;
  inFlight: number;
  failures: number;
  lastError: string | null;
}

/** Hooks of one batch request (send()); BatchHandler adapts them to undici's dispatch handler. */
interface BatchHooks {
  connected(abort: (error: Error) => void): void;
  headers(statusCode: number): void;
  data(chunk: Buffer): void;
  complete(): void;
  failed(error: Error): void;
}

/** undici dispatch handler of one batch; knows whether its request went out on a reused socket. */
class BatchHandler implements Dispatcher.DispatchHandlers {
  /** The pool connection carrying it, set by RunConnection.dispatch before onConnect. */
  connection: RunConnection | undefined;
  /** The socket had already carried an answer (node:http's `reusedSocket`). */
  reusedSocket = false;
  constructor(private readonly hooks: BatchHooks) {}
  onConnect(abort: (error?: Error) => void): void {
    this.reusedSocket = (this.connection?.answersOnSocket ?? 0) > 0;
    this.hooks.connected(abort);
  }
  onHeaders(statusCode: number): boolean {
    if (statusCode >= 200) this.hooks.headers(statusCode);
    return true;
  }
  onData(chunk: Buffer): boolean {
    this.hooks.data(chunk);
    return true;
  }
  onComplete(): void {
    if (this.connection) this.connection.answersOnSocket += 1;
    this.hooks.complete();
  }
  onError(error: Error): void {
    this.hooks.failed(error);
  }
}

/**
 * One connection of a host's run pool (undici Client, one socket at a time). Counts the answers on
 * its current socket, so a failed request can tell a stale keep-alive socket (nothing ran) from a
 * fresh one: undici does not say which socket a request went out on.
 */
class RunConnection extends Client {
  answersOnSocket = 0;
  constructor(origin: URL, options: Client.Options) {
    super(origin, options);
    // Emitted once a new socket is connected, before any request is written on it.
    this.on("connect", () => {
      this.answersOnSocket = 0;
    });
  }
  override dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandlers): boolean {
    if (handler instanceof BatchHandler) handler.connection = this;
    return super.dispatch(options, handler);
  }
}

/**
 * Splits an NDJSON byte stream into lines of at most maxBytes (counted before decoding, so a
 * character split across chunks is decoded whole). Past the bound it is broken for good.
 */
class LineSplitter {
  private parts: Buffer[] = [];
  private size = 0;
  private broken = false;
  constructor(
    private readonly maxBytes: number,
    private readonly onLine: (line: string) => void,
  ) {}
  /** false once a line is over maxBytes; nothing more is taken then. */
  push(chunk: Buffer): boolean {
    if (this.broken) return false;
    let start = 0;
    let nl: number;
    while ((nl = chunk.indexOf(10, start)) >= 0) {
      const piece = chunk.subarray(start, nl);
      start = nl + 1;
      if (this.size + piece.length > this.maxBytes) return this.break();
      const line = this.parts.length === 0 ? piece.toString("utf8") : Buffer.concat([...this.parts, piece]).toString("utf8");
      this.parts = [];
      this.size = 0;
      this.onLine(line);
    }
    const rest = chunk.subarray(start);
    if (this.size + rest.length > this.maxBytes) return this.break();
    // A copy: undici's chunk is a view of a buffer it reuses.
    if (rest.length > 0) {
      this.parts.push(Buffer.from(rest));
      this.size += rest.length;
    }
    return true;
  }
  private break(): false {
    this.broken = true;
    this.parts = [];
    this.size = 0;
    return false;
  }
}

function withSlash(url: URL): URL {
  const copy = new URL(url);
  if (!copy.pathname.endsWith("/")) copy.pathname += "/";
  return copy;
}

function describeHttpError(status: number, body: string): string {
  let message = body.slice(0, 200);
  try {
    const parsed = JSON.parse(body) as { error?: { message?: unknown } };
    if (typeof parsed.error?.message === "string") message = parsed.error.message;
  } catch {
    // not JSON
  }
  return `HTTP ${status}${message ? `: ${message}` : ""}`;
}
