import "server-only";
// The execute-path recorder's own connection: run records are written straight through the
// database driver (better-sqlite3, pg), not through Prisma. Even as one raw multi-row INSERT,
// Prisma ran every batch through its query compiler (WebAssembly on the app's main thread) with
// every parameter serialised into it: under `POST /execute` at c16 the compiler alone was ~9% of the
// app's busy CPU and recording ~50–150 µs of the app's ~170–330 µs per request (profiles and
// RULEBOX_API_RUN_SAMPLE_RATE=0 against 1, measured side by side, 2026-12-08, bench/README.md).
// Only this one statement bypasses the ORM; everything else, and every read of these rows, stays
// on Prisma (tests/api/runs.itest.ts reads them back through it). Values are written as Prisma
// writes them, so the ORM reads these rows like its own.
import { setTimeout as delay } from "node:timers/promises";
import { resolveDatabase, withWriteLock, onDisconnect, type Dialect } from "./client";

/** The Run table's columns, in the order `RunWriteRow` values are given. */
export const RUN_COLUMNS = [
  "id", "ruleId", "versionNumber", "source", "sourceHash", "language", "trigger", "inputJson", "outputJson", "logsJson",
  "logsTruncated", "outcome", "errorJson", "diagnosticsJson", "clock", "durationMs", "memoryBytes", "createdAt",
] as const;

/** One row to write: a value per RUN_COLUMNS entry. */
export type RunWriteRow = Record<(typeof RUN_COLUMNS)[number], string | number | bigint | boolean | Date | null>;

/** Rows per INSERT on PostgreSQL: 18 parameters each stays far below its 65,535-parameter limit. */
const PG_INSERT_CHUNK = 500;
/** How long a write waits, in steps, for a SQLite write lock another process holds. */
const SQLITE_BUSY_WAIT_MS = 5_000;
const SQLITE_BUSY_STEP_MS = 10;

interface RunWriter {
  insert(rows: readonly RunWriteRow[]): Promise<void>;
  close(): Promise<void>;
}

const columnList = RUN_COLUMNS.map((c) => `"${c}"`).join(", ");

async function openSqlite(file: string): Promise<RunWriter> {
  const { default: Database } = await import("better-sqlite3");
  // timeout 0: never block the event loop waiting for a lock; a busy database is waited for below,
  // asynchronously. In-process writers are serialised by withWriteLock already.
  const db = new Database(file, { timeout: 0 });
  db.pragma("foreign_keys = ON");
  const statement = db.prepare(`INSERT INTO "Run" (${columnList}) VALUES (${RUN_COLUMNS.map(() => "?").join(", ")})`);
  const insertAll = db.transaction((rows: readonly RunWriteRow[]) => {
    for (const row of rows) {
      statement.run(
        RUN_COLUMNS.map((column) => {
          const value = row[column];
          // As Prisma's SQLite adapter stores them: DateTime as ISO text with "+00:00", booleans as 0/1.
          if (value instanceof Date) return value.toISOString().replace("Z", "+00:00");
          if (typeof value === "boolean") return value ? 1 : 0;
          return value;
        }),
      );
    }
  });
  return {
    async insert(rows) {
      const deadline = Date.now() + SQLITE_BUSY_WAIT_MS;
      for (;;) {
        try {
          insertAll(rows);
          return;
        } catch (err) {
          const code = (err as { code?: string }).code;
          if ((code !== "SQLITE_BUSY" && code !== "SQLITE_LOCKED") || Date.now() >= deadline) throw err;
          await delay(SQLITE_BUSY_STEP_MS);
        }
      }
    },
    async close() {
      db.close();
    },
  };
}

async function openPostgres(url: string): Promise<RunWriter> {
  const { default: pg } = await import("pg");
  // Two connections: one batch is written at a time; the second serves a shutdown flush.
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  pool.on("error", (err) => console.error("[rulebox] run record connection failed", err));
  return {
    async insert(rows) {
      for (let start = 0; start < rows.length; start += PG_INSERT_CHUNK) {
        const params: unknown[] = [];
        const tuples = rows.slice(start, start + PG_INSERT_CHUNK).map((row) => {
          const marks = RUN_COLUMNS.map((column) => {
            const value = row[column];
            // "timestamp(3)" columns hold UTC wall time (as Prisma writes them); pg would format a
            // Date in the process's own zone.
            params.push(value instanceof Date ? value.toISOString() : typeof value === "bigint" ? value.toString() : value);
            return `$${params.length}`;
          });
          return `(${marks.join(", ")})`;
        });
        await pool.query(`INSERT INTO "Run" (${columnList}) VALUES ${tuples.join(", ")}`, params);
      }
    },
    close: () => pool.end(),
  };
}

let writer: { url: string; ready: Promise<RunWriter> } | undefined;

function open(dialect: Dialect, url: string): Promise<RunWriter> {
  return dialect === "postgresql" ? openPostgres(url) : openSqlite(url.slice("file:".length));
}

/** Writes execute-path run rows in one transaction (SQLite) or multi-row INSERTs (PostgreSQL). */
export async function insertRunRows(rows: readonly RunWriteRow[]): Promise<void> {
  const { dialect, url } = resolveDatabase();
  if (!writer || writer.url !== url) {
    const ready = open(dialect, url);
    const opened = { url, ready };
    writer = opened;
    ready.catch(() => {
      if (writer === opened) writer = undefined;
    });
  }
  const current = await writer.ready;
  await withWriteLock(() => current.insert(rows));
}

onDisconnect(async () => {
  const closing = writer;
  writer = undefined;
  if (closing) await (await closing.ready.catch(() => undefined))?.close();
});
