// Direct access to the started app's database, for tests that must break it on purpose.
import Database from "better-sqlite3";
import pg from "pg";
import { inject } from "vitest";

/** Rows of one SELECT (written to work on both dialects) against the database at `url`. */
export async function queryRows<T>(url: string, sql: string): Promise<T[]> {
  if (url.startsWith("file:")) {
    const db = new Database(url.slice("file:".length), { timeout: 5000 });
    try {
      return db.prepare(sql).all() as T[];
    } finally {
      db.close();
    }
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
}

/** Runs raw SQL statements (one string per dialect) against the app's database. */
async function execRaw(sql: { sqlite: string; postgresql: string }): Promise<void> {
  const url = inject("databaseUrl");
  if (url.startsWith("file:")) {
    const db = new Database(url.slice("file:".length), { timeout: 5000 });
    try {
      db.exec(sql.sqlite);
    } finally {
      db.close();
    }
    return;
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql.postgresql);
  } finally {
    await client.end();
  }
}

/** From now on every UPDATE of this rule's row fails inside the database ("injected fault"). */
export function injectRuleUpdateFault(ruleId: string): Promise<void> {
  const id = ruleId.replace(/[^A-Za-z0-9_-]/g, "");
  return execRaw({
    sqlite: `CREATE TRIGGER rulebox_itest_fault BEFORE UPDATE ON "Rule" WHEN OLD."id" = '${id}' BEGIN SELECT RAISE(ABORT, 'injected fault'); END`,
    postgresql: `CREATE FUNCTION rulebox_itest_fault() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'injected fault'; END $$;
      CREATE TRIGGER rulebox_itest_fault BEFORE UPDATE ON "Rule" FOR EACH ROW WHEN (OLD."id" = '${id}') EXECUTE FUNCTION rulebox_itest_fault();`,
  });
}

/** Removes the fault injected by injectRuleUpdateFault (no-op when there is none). */
export function clearRuleUpdateFault(): Promise<void> {
  return execRaw({
    sqlite: "DROP TRIGGER IF EXISTS rulebox_itest_fault",
    postgresql: `DROP TRIGGER IF EXISTS rulebox_itest_fault ON "Rule"; DROP FUNCTION IF EXISTS rulebox_itest_fault();`,
  });
}
