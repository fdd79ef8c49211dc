import "server-only";
import path from "node:path";
import type { PrismaClient } from "./generated/sqlite/client";
import { peekProcessGlobal, processGlobal, setProcessGlobal } from "../process-global";

/** Where the SQLite file lives unless DATABASE_URL says otherwise (relative to the project root). */
export const DEFAULT_DATABASE_URL = "file:./data/rulebox.db";

/**
 * The Prisma client type. Both generated clients (SQLite and PostgreSQL) come from one schema and
 * expose the same model API; the SQLite one is the compile-time reference.
 */
export type Db = PrismaClient;
/** A Prisma client or an interactive transaction client: what db functions accept. */
export type DbTx = Omit<PrismaClient, "$connect" | "$disconnect" | "$on" | "$transaction" | "$extends">;

export type Dialect = "sqlite" | "postgresql";

/** Which database DATABASE_URL names, and its normalised URL (relative SQLite paths made absolute). */
export function resolveDatabase(url: string = process.env.DATABASE_URL || DEFAULT_DATABASE_URL): { dialect: Dialect; url: string } {
  if (/^postgres(ql)?:\/\//.test(url)) return { dialect: "postgresql", url };
  if (!url.startsWith("file:")) {
    throw new Error(`DATABASE_URL must be file:<path> (SQLite) or postgresql://… , got "${url.replace(/\/\/[^@/]*@/, "//***@")}"`);
  }
  return { dialect: "sqlite", url: `file:${path.resolve(/*turbopackIgnore: true*/ process.cwd(), url.slice("file:".length))}` };
}

interface DbState {
  dialect: Dialect;
  ready: Promise<PrismaClient>;
}

// One client per process (kept on globalThis so dev-mode module reloads do not open more files).

async function connect(dialect: Dialect, url: string): Promise<PrismaClient> {
  if (dialect === "postgresql") {
    const [{ PrismaPg }, generated] = await Promise.all([import("@prisma/adapter-pg"), import("./generated/postgres/client")]);
    // Same schema, other provider: the model API is identical, only filter extras (e.g. `mode`) differ.
    return new generated.PrismaClient({ adapter: new PrismaPg({ connectionString: url }) }) as unknown as PrismaClient;
  }
  const [{ PrismaBetterSQLite3 }, generated] = await Promise.all([import("@prisma/adapter-better-sqlite3"), import("./generated/sqlite/client")]);
  const client = new generated.PrismaClient({ adapter: new PrismaBetterSQLite3({ url, timeout: 5_000 }) });
  // SQLite leaves foreign keys off per connection; the adapter holds exactly one connection.
  await client.$executeRawUnsafe("PRAGMA foreign_keys = ON");
  return client;
}

function state(): DbState {
  return processGlobal("db", () => {
    const { dialect, url } = resolveDatabase();
    const ready = connect(dialect, url);
    const created: DbState = { dialect, ready };
    // A failed connection is forgotten, so the next request tries again.
    ready.catch(() => {
      if (peekProcessGlobal("db") === created) setProcessGlobal("db", undefined);
    });
    return created;
  });
}

/** The process-wide Prisma client, connected and configured. */
export function getDb(): Promise<PrismaClient> {
  return state().ready;
}

/** The dialect of the configured database. */
export function getDialect(): Dialect {
  return state().dialect;
}

let writeQueue: Promise<unknown> = Promise.resolve();

function serialise<T>(fn: () => Promise<T>): Promise<T> {
  const result = writeQueue.then(fn, fn);
  writeQueue = result.catch(() => undefined);
  return result;
}

/**
 * Runs a single-statement write. On SQLite it is serialised with the transactions below: the
 * adapter multiplexes everything over one connection, so a statement issued while another
 * request's interactive transaction is open would silently join (and roll back with) it.
 * PostgreSQL transactions hold their own pooled connection, so there it runs at once.
 */
export function withWriteLock<T>(fn: () => Promise<T>): Promise<T> {
  return getDialect() === "sqlite" ? serialise(fn) : fn();
}

/**
 * Runs `fn` in a transaction. Transactions of this process are serialised (on SQLite for the reason
 * above; on PostgreSQL it keeps same-process version saves from racing each other, while the
 * unique indexes catch races between processes).
 */
export async function writeTransaction<T>(fn: (tx: DbTx) => Promise<T>): Promise<T> {
  const db = await getDb();
  return serialise(() => db.$transaction((tx) => fn(tx), { maxWait: 10_000, timeout: 10_000 }));
}

/** Connections of the process besides Prisma's (run-writer.ts), closed with it. */
const closers = new Set<() => Promise<void>>();

/** Registers a connection to close in disconnectDb(). */
export function onDisconnect(close: () => Promise<void>): void {
  closers.add(close);
}

/** Closes the connections (tests and graceful shutdown). */
export async function disconnectDb(): Promise<void> {
  const current = peekProcessGlobal<DbState>("db");
  setProcessGlobal("db", undefined);
  await Promise.all([...closers].map((close) => close()));
  if (current) await (await current.ready).$disconnect();
}
