import "server-only";
import { randomBytes } from "node:crypto";
import { z } from "zod";

// Execute-path runs are recorded off the request path: buffered, then written in batches, so a
// high request rate costs one INSERT per batch instead of one per run (issue 5). The buffer is
// bounded and applies backpressure instead of dropping: a caller waits for room, and only after
// RULEBOX_RUN_BUFFER_WAIT_MS is a record given up (counted in `dropped`).

const envInt = (fallback: number, min = 1) => z.coerce.number().int().min(min).default(fallback);

const recorderEnvSchema = z.object({
  RULEBOX_RUN_BUFFER: envInt(10_000),
  RULEBOX_RUN_BATCH: envInt(500),
  RULEBOX_RUN_FLUSH_MS: envInt(50),
  RULEBOX_RUN_BUFFER_WAIT_MS: envInt(5_000, 0),
  /** Fraction of successful execute-path runs recorded (failures are always recorded). */
  RULEBOX_API_RUN_SAMPLE_RATE: z.coerce.number().min(0).max(1).default(1),
  /** Execute-path runs older than this many days are deleted; 0 keeps them forever. */
  RULEBOX_API_RUN_RETENTION_DAYS: envInt(0, 0),
});

/** Recorder tunables (see the env names above). */
export interface RecorderConfig {
  bufferSize: number;
  batchSize: number;
  flushIntervalMs: number;
  bufferWaitMs: number;
  sampleRate: number;
  retentionDays: number;
}

/** Reads the recorder configuration from an environment; throws a readable error when invalid. */
export function readRecorderConfig(env: Record<string, string | undefined>): RecorderConfig {
  const parsed = recorderEnvSchema.safeParse(env);
  if (!parsed.success) throw new Error(`Invalid RULEBOX_RUN_* configuration: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  const e = parsed.data;
  return {
    bufferSize: e.RULEBOX_RUN_BUFFER,
    batchSize: Math.min(e.RULEBOX_RUN_BATCH, e.RULEBOX_RUN_BUFFER),
    flushIntervalMs: e.RULEBOX_RUN_FLUSH_MS,
    bufferWaitMs: e.RULEBOX_RUN_BUFFER_WAIT_MS,
    sampleRate: e.RULEBOX_API_RUN_SAMPLE_RATE,
    retentionDays: e.RULEBOX_API_RUN_RETENTION_DAYS,
  };
}

/** Counters for /api/health and metrics. */
export interface RecorderStats {
  buffered: number;
  written: number;
  sampledOut: number;
  dropped: number;
  failedWrites: number;
  /** Rows given up because they failed alone while the database answered. */
  poisoned: number;
}

const MAX_RETRY_DELAY_MS = 30_000;

// Random bytes for run ids are drawn from a pool refilled 4 KiB at a time: one getrandom() call per
// ~400 ids instead of one per id on the execute path (measured ~4% of the app's CPU under load).
let randomPool = Buffer.alloc(0);
let randomOffset = 0;
function randomHex(bytes: number): string {
  if (randomOffset + bytes > randomPool.length) {
    randomPool = randomBytes(4096);
    randomOffset = 0;
  }
  const hex = randomPool.toString("hex", randomOffset, randomOffset + bytes);
  randomOffset += bytes;
  return hex;
}

/** A run id in the same shape as Prisma's cuid() defaults: time-ordered prefix, random tail. */
export function newRunId(): string {
  const time = Date.now().toString(36).padStart(8, "0");
  const tail = BigInt(`0x${randomHex(10)}`).toString(36).padStart(16, "0").slice(-16);
  return `c${time}${tail}`;
}

/**
 * Buffers rows of type T and hands them to `write` in batches, one batch at a time. A failed batch
 * stays at the head of the buffer and is retried with backoff, so records survive a database blip.
 * One bad row must not stop every later one, though: after a failed batch the head is retried
 * alone, and a row that fails alone while `probe` shows the database healthy is given up (logged,
 * counted in `poisoned`) so the rows behind it are written.
 */
export class BatchRecorder<T> {
  readonly #buffer: T[] = [];
  readonly #roomWaiters: (() => void)[] = [];
  /** Flush callers, each waiting until the rows counter reaches its target (rows are written in order). */
  readonly #drainWaiters: { target: number; resolve: () => void }[] = [];
  #accepted = 0;
  #timer: NodeJS.Timeout | undefined;
  #writing = false;
  #retryDelayMs = 0;
  /** Set after a failed batch: the next attempt writes the head row alone. */
  #isolating = false;
  /** Rows written or given up, in buffer order: what flush() waits for. */
  #settled = 0;
  readonly #stats = { written: 0, sampledOut: 0, dropped: 0, failedWrites: 0, poisoned: 0 };

  constructor(
    private readonly write: (rows: T[]) => Promise<void>,
    private readonly config: Pick<RecorderConfig, "bufferSize" | "batchSize" | "flushIntervalMs" | "bufferWaitMs">,
    private readonly log: (message: string, err?: unknown) => void = (m, e) => console.error(m, e ?? ""),
    /** Resolves when the database answers (a trivial query); tells a bad row from a database outage. */
    private readonly probe: () => Promise<void> = () => Promise.reject(new Error("no probe")),
  ) {}

  /** Queues a row; resolves true once buffered, false if no room appeared within bufferWaitMs. */
  async add(row: T): Promise<boolean> {
    const deadline = Date.now() + this.config.bufferWaitMs;
    while (this.#buffer.length >= this.config.bufferSize) {
      const left = deadline - Date.now();
      if (left <= 0 || !(await this.#waitForRoom(left))) {
        this.#stats.dropped += 1;
        return false;
      }
    }
    this.#buffer.push(row);
    this.#accepted += 1;
    this.#schedule(this.#buffer.length >= this.config.batchSize ? 0 : this.config.flushIntervalMs);
    return true;
  }

  /** Counts a row deliberately not recorded (sampling). */
  countSampledOut(): void {
    this.#stats.sampledOut += 1;
  }

  /** Resolves true when every row accepted before the call is written, false after timeoutMs. */
  flush(timeoutMs = 5_000): Promise<boolean> {
    const target = this.#accepted;
    if (this.#settled >= target) return Promise.resolve(true);
    this.#schedule(0);
    return new Promise((resolve) => {
      const waiter = {
        target,
        resolve: () => {
          clearTimeout(timer);
          resolve(true);
        },
      };
      const timer = setTimeout(() => {
        const i = this.#drainWaiters.indexOf(waiter);
        if (i >= 0) this.#drainWaiters.splice(i, 1);
        resolve(false);
      }, timeoutMs);
      timer.unref();
      this.#drainWaiters.push(waiter);
    });
  }

  stats(): RecorderStats {
    return { buffered: this.#buffer.length, ...this.#stats };
  }

  #waitForRoom(timeoutMs: number): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        const i = this.#roomWaiters.indexOf(onRoom);
        if (i >= 0) this.#roomWaiters.splice(i, 1);
        resolve(false);
      }, timeoutMs);
      const onRoom = () => {
        clearTimeout(timer);
        resolve(true);
      };
      this.#roomWaiters.push(onRoom);
    });
  }

  #wakeAfterProgress(): void {
    // Woken callers re-check for room themselves (another add may have taken it meanwhile).
    this.#roomWaiters.splice(0).forEach((wake) => wake());
    for (let i = this.#drainWaiters.length - 1; i >= 0; i--) {
      const waiter = this.#drainWaiters[i]!;
      if (this.#settled >= waiter.target) {
        this.#drainWaiters.splice(i, 1);
        waiter.resolve();
      }
    }
  }

  async #databaseAnswers(): Promise<boolean> {
    try {
      await this.probe();
      return true;
    } catch {
      return false;
    }
  }

  #schedule(delayMs: number): void {
    if (this.#writing) return;
    if (this.#timer && delayMs > 0) return;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.#writeBatch(), Math.max(delayMs, this.#retryDelayMs));
    // Pending records must not keep a stopping process alive; shutdown calls flush() explicitly.
    this.#timer.unref();
  }

  async #writeBatch(): Promise<void> {
    this.#timer = undefined;
    if (this.#writing || this.#buffer.length === 0) return;
    this.#writing = true;
    const batch = this.#buffer.slice(0, this.#isolating ? 1 : this.config.batchSize);
    try {
      await this.write(batch);
      this.#buffer.splice(0, batch.length);
      this.#stats.written += batch.length;
      this.#settled += batch.length;
      this.#retryDelayMs = 0;
      this.#isolating = false;
      this.#wakeAfterProgress();
    } catch (err) {
      this.#stats.failedWrites += 1;
      if (batch.length > 1) {
        // Which row? Retry the head alone at once; a healthy database then writes row by row.
        this.#isolating = true;
        this.log(`[rulebox] writing ${batch.length} run record(s) failed; retrying them one at a time`, err);
      } else if (await this.#databaseAnswers()) {
        // The database is fine and this row alone fails: it can never be written. Give it up.
        this.#buffer.splice(0, 1);
        this.#stats.poisoned += 1;
        this.#settled += 1; // flush() callers waiting for it move on
        this.#retryDelayMs = 0;
        this.#wakeAfterProgress();
        this.log(`[rulebox] a run record cannot be written and is given up (the database answers; the row is at fault)`, err);
      } else {
        this.#retryDelayMs = Math.min(Math.max(this.#retryDelayMs * 2, 100), MAX_RETRY_DELAY_MS);
        this.log(`[rulebox] writing a run record failed and the database does not answer; retrying in ${this.#retryDelayMs} ms`, err);
      }
    } finally {
      this.#writing = false;
    }
    // Rows someone is flushing for are written at once; the rest wait for a fuller batch.
    if (this.#buffer.length > 0) this.#schedule(this.#isolating || this.#buffer.length >= this.config.batchSize || this.#drainWaiters.length > 0 ? 0 : this.config.flushIntervalMs);
  }
}
