// Applies the committed SQL migrations in name order: prisma/migrations/<name>/migration.sql for
// SQLite, prisma/postgres/migrations/<name>/migration.sql for PostgreSQL.
// Each migration runs in its own transaction together with its bookkeeping row in
// `_rulebox_migrations`, so a failed migration leaves nothing half-applied; a migration whose file
// changed after it was applied is refused. Safe when two processes start at once: the check for
// "already applied" happens inside the write transaction (BEGIN IMMEDIATE).
// Usage: node scripts/migrate.mjs   (DATABASE_URL, default file:./data/rulebox.db)
import fs from "node:fs";
import path from "node:path";
import crypto from "node:crypto";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(import.meta.url);

export const DEFAULT_DATABASE_URL = "file:./data/rulebox.db";

/**
 * Normalises DATABASE_URL: relative SQLite paths become absolute (relative to the project root),
 * so the CLI, the migration runner and the server always open the same file.
 */
export function resolveDatabaseUrl(url = process.env.DATABASE_URL || DEFAULT_DATABASE_URL) {
  if (/^postgres(ql)?:\/\//.test(url)) return { dialect: "postgresql", url };
  if (!url.startsWith("file:")) throw new Error(`DATABASE_URL must be file:<path> (SQLite) or postgresql://…, got "${url.replace(/\/\/[^@/]*@/, "//***@")}"`);
  const file = path.resolve(root, url.slice("file:".length));
  return { dialect: "sqlite", url: `file:${file}`, file };
}

function listMigrations(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && fs.existsSync(path.join(dir, e.name, "migration.sql")))
    .map((e) => e.name)
    .sort()
    .map((name) => {
      const sql = fs.readFileSync(path.join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: crypto.createHash("sha256").update(sql).digest("hex") };
    });
}

function migrateSqlite(file, migrations, log) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const Database = require("better-sqlite3");
  const db = new Database(file, { timeout: 10_000 });
  try {
    db.pragma("journal_mode = WAL");
    db.pragma("foreign_keys = ON");
    db.exec(`CREATE TABLE IF NOT EXISTS "_rulebox_migrations" (
      "name" TEXT NOT NULL PRIMARY KEY,
      "checksum" TEXT NOT NULL,
      "appliedAt" TEXT NOT NULL
    )`);
    const applied = [];
    for (const m of migrations) {
      db.exec("BEGIN IMMEDIATE");
      try {
        const row = db.prepare(`SELECT "checksum" FROM "_rulebox_migrations" WHERE "name" = ?`).get(m.name);
        if (row) {
          if (row.checksum !== m.checksum) throw new Error(`migration ${m.name} changed after it was applied (checksum mismatch); add a new migration instead`);
          db.exec("ROLLBACK");
          continue;
        }
        db.exec(m.sql);
        db.prepare(`INSERT INTO "_rulebox_migrations" ("name", "checksum", "appliedAt") VALUES (?, ?, ?)`).run(m.name, m.checksum, new Date().toISOString());
        db.exec("COMMIT");
        applied.push(m.name);
        log(`migrate: applied ${m.name}`);
      } catch (err) {
        if (db.inTransaction) db.exec("ROLLBACK");
        throw new Error(`migration ${m.name} failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
      }
    }
    return applied;
  } finally {
    db.close();
  }
}

// Any constant: every Rulebox process migrating the same PostgreSQL database takes this lock.
const PG_MIGRATION_LOCK = 7_461_102;

async function migratePostgres(url, migrations, log) {
  const pg = require("pg");
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("SELECT pg_advisory_lock($1)", [PG_MIGRATION_LOCK]);
    await client.query(`CREATE TABLE IF NOT EXISTS "_rulebox_migrations" (
      "name" TEXT NOT NULL PRIMARY KEY,
      "checksum" TEXT NOT NULL,
      "appliedAt" TEXT NOT NULL
    )`);
    const applied = [];
    for (const m of migrations) {
      const { rows } = await client.query(`SELECT "checksum" FROM "_rulebox_migrations" WHERE "name" = $1`, [m.name]);
      if (rows[0]) {
        if (rows[0].checksum !== m.checksum) throw new Error(`migration ${m.name} changed after it was applied (checksum mismatch); add a new migration instead`);
        continue;
      }
      try {
        // PostgreSQL DDL is transactional: a failing migration leaves no trace.
        await client.query("BEGIN");
        await client.query(m.sql);
        await client.query(`INSERT INTO "_rulebox_migrations" ("name", "checksum", "appliedAt") VALUES ($1, $2, $3)`, [m.name, m.checksum, new Date().toISOString()]);
        await client.query("COMMIT");
      } catch (err) {
        await client.query("ROLLBACK").catch(() => undefined);
        throw new Error(`migration ${m.name} failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
      }
      applied.push(m.name);
      log(`migrate: applied ${m.name}`);
    }
    return applied;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Applies pending migrations to the database named by `databaseUrl`. Returns the names applied.
 * @param {{ databaseUrl?: string, log?: (line: string) => void, migrationsDir?: string }} [options]
 *   migrationsDir overrides the dialect's committed folder (tests).
 */
export async function migrate(options = {}) {
  const log = options.log ?? ((line) => console.log(line));
  const target = resolveDatabaseUrl(options.databaseUrl);
  if (target.dialect === "sqlite") {
    return migrateSqlite(target.file, listMigrations(options.migrationsDir ?? path.join(root, "prisma", "migrations")), log);
  }
  return migratePostgres(target.url, listMigrations(options.migrationsDir ?? path.join(root, "prisma", "postgres", "migrations")), log);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const applied = await migrate();
    if (applied.length === 0) console.log("migrate: database is up to date");
  } catch (err) {
    console.error(`migrate: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
}
