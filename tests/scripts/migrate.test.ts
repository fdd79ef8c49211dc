import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { migrate } from "../../scripts/migrate.mjs";

import Database from "better-sqlite3";

let dir: string;
const quiet = () => undefined;

function writeMigration(name: string, sql: string): void {
  fs.mkdirSync(path.join(dir, "migrations", name), { recursive: true });
  fs.writeFileSync(path.join(dir, "migrations", name, "migration.sql"), sql);
}

function tables(file: string): string[] {
  const db = new Database(file);
  try {
    return (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((r) => r.name);
  } finally {
    db.close();
  }
}

describe("migration runner (SQLite)", () => {
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "rulebox-migrate-"));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("applies pending migrations in name order, once", async () => {
    writeMigration("002_b", 'CREATE TABLE "B" ("id" TEXT REFERENCES "A"("id"));');
    writeMigration("001_a", 'CREATE TABLE "A" ("id" TEXT PRIMARY KEY);');
    const options = { databaseUrl: `file:${path.join(dir, "db", "x.db")}`, migrationsDir: path.join(dir, "migrations"), log: quiet };
    expect(await migrate(options)).toEqual(["001_a", "002_b"]);
    expect(await migrate(options)).toEqual([]);
    expect(tables(path.join(dir, "db", "x.db"))).toEqual(["A", "B", "_rulebox_migrations"]);
  });

  it("rolls a failing migration back entirely and reports it", async () => {
    writeMigration("001_bad", 'CREATE TABLE "Half" ("id" TEXT); THIS IS NOT SQL;');
    const options = { databaseUrl: `file:${path.join(dir, "x.db")}`, migrationsDir: path.join(dir, "migrations"), log: quiet };
    await expect(migrate(options)).rejects.toThrow(/migration 001_bad failed/);
    expect(tables(path.join(dir, "x.db"))).toEqual(["_rulebox_migrations"]);
  });

  it("refuses a migration edited after it was applied", async () => {
    writeMigration("001_a", 'CREATE TABLE "A" ("id" TEXT);');
    const options = { databaseUrl: `file:${path.join(dir, "x.db")}`, migrationsDir: path.join(dir, "migrations"), log: quiet };
    await migrate(options);
    writeMigration("001_a", 'CREATE TABLE "A" ("id" TEXT, "extra" TEXT);');
    await expect(migrate(options)).rejects.toThrow(/changed after it was applied/);
  });

  it("upgrades a database from before published versions: each rule's latest version stays live", async () => {
    const committed = path.join(__dirname, "..", "..", "prisma", "migrations");
    const names = fs.readdirSync(committed).filter((n) => fs.existsSync(path.join(committed, n, "migration.sql"))).sort();
    const upgrade = names.findIndex((n) => n.endsWith("_published_versions"));
    expect(upgrade).toBeGreaterThan(0);
    for (const name of names.slice(0, upgrade)) writeMigration(name, fs.readFileSync(path.join(committed, name, "migration.sql"), "utf8"));
    const file = path.join(dir, "old.db");
    const options = { databaseUrl: `file:${file}`, migrationsDir: path.join(dir, "migrations"), log: quiet };
    await migrate(options);
    const db = new Database(file);
    db.exec(`INSERT INTO "Rule" ("id", "name", "updatedAt") VALUES ('r1', 'two versions', '2026-11-30T10:00:00.000Z'), ('r2', 'no version', '2026-11-30T10:00:00.000Z');
      INSERT INTO "RuleVersion" ("id", "ruleId", "number", "source", "language", "sha256", "limits", "createdAt") VALUES
        ('v1', 'r1', 1, 'export default () => 1', 'javascript', 'x', '{}', '2026-11-30T10:00:00.000Z'),
        ('v2', 'r1', 2, 'export default () => 2', 'javascript', 'y', '{}', '2026-12-01T09:30:00.000Z');`);
    db.close();
    writeMigration(names[upgrade]!, fs.readFileSync(path.join(committed, names[upgrade]!, "migration.sql"), "utf8"));
    expect(await migrate(options)).toEqual([names[upgrade]]);
    const after = new Database(file);
    try {
      expect(after.prepare(`SELECT "id", "publishedVersion" FROM "Rule" ORDER BY "id"`).all()).toEqual([{ id: "r1", publishedVersion: 2 }, { id: "r2", publishedVersion: null }]);
      expect(after.prepare(`SELECT "ruleId", "fromVersion", "toVersion", "actor", "createdAt" FROM "Deployment"`).all()).toEqual([
        { ruleId: "r1", fromVersion: null, toVersion: 2, actor: null, createdAt: "2026-12-01T09:30:00.000Z" },
      ]);
    } finally {
      after.close();
    }
  });

  it("applies the committed migrations to an empty database", async () => {
    const applied = await migrate({ databaseUrl: `file:${path.join(dir, "app.db")}`, log: quiet });
    expect(applied.length).toBeGreaterThan(0);
    expect(tables(path.join(dir, "app.db"))).toEqual(expect.arrayContaining(["Rule", "RuleVersion", "TestCase", "Run", "_rulebox_migrations"]));
  });
});
