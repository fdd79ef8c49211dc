// Generates the Prisma clients without downloading anything:
//   server/db/generated/sqlite    from prisma/schema.prisma (the single source of the data model)
//   server/db/generated/postgres  from the same schema with provider = "postgresql"
// Prisma 6.19 with `engineType = "client"` needs no native query engine at run time, but the CLI still
// looks for engine files at startup: pointing PRISMA_*_ENGINE_* at an existing file satisfies that
// check, and prisma.config.ts (`engine: "js"`) makes the schema engine WebAssembly. The
// @prisma/engines postinstall (which would download) is denied in package.json allowScripts.
//
//   node scripts/prisma-generate.mjs                      generate both clients
//   node scripts/prisma-generate.mjs migration <name>     write prisma/migrations/<ts>_<name> and
//                                                         prisma/postgres/migrations/<ts>_<name>
//                                                         (diff of the applied migrations' schema
//                                                         snapshot against prisma/schema.prisma)
//   node scripts/prisma-generate.mjs prisma <args…>       run any Prisma CLI command offline
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const placeholder = path.join(root, "package.json");
const schemaPath = path.join(root, "prisma", "schema.prisma");
const generatedDir = path.join(root, "server", "db", "generated");

/** Environment under which the Prisma CLI runs fully offline. */
export function offlinePrismaEnv(base = process.env) {
  return {
    ...base,
    PRISMA_QUERY_ENGINE_LIBRARY: placeholder,
    PRISMA_SCHEMA_ENGINE_BINARY: placeholder,
    PRISMA_ENGINES_CHECKSUM_IGNORE_MISSING: "1",
    PRISMA_HIDE_UPDATE_MESSAGE: "1",
    PRISMA_GENERATE_SKIP_AUTOINSTALL: "1",
    CHECKPOINT_DISABLE: "1",
  };
}

/** Runs the Prisma CLI with `args`; returns its exit status. */
export function runPrisma(args, options = {}) {
  const cli = path.join(root, "node_modules", "prisma", "build", "index.js");
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: root, stdio: "inherit", env: offlinePrismaEnv(), ...options });
  if (r.error) throw r.error;
  return r.status ?? 1;
}

/** prisma/schema.prisma rewritten for PostgreSQL (written under server/db/generated/, git-ignored). */
export function writePostgresSchema(source = fs.readFileSync(schemaPath, "utf8"), target = path.join(generatedDir, "postgres.prisma")) {
  const derived = source
    .replace(/provider\s*=\s*"sqlite"/, 'provider = "postgresql"')
    .replace(/output(\s*)=\s*"[^"]*"/, 'output$1= "./postgres"');
  if (derived === source || !derived.includes('"postgresql"')) throw new Error("could not derive the PostgreSQL schema from prisma/schema.prisma");
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.writeFileSync(target, `// GENERATED from prisma/schema.prisma by scripts/prisma-generate.mjs — do not edit.\n${derived}`);
  return target;
}

function generateClients() {
  const sqlite = runPrisma(["generate", "--schema", schemaPath]);
  if (sqlite !== 0) return sqlite;
  return runPrisma(["generate", "--schema", writePostgresSchema()]);
}

function captureDiff(args) {
  const cli = path.join(root, "node_modules", "prisma", "build", "index.js");
  const r = spawnSync(process.execPath, [cli, "migrate", "diff", ...args, "--script"], { cwd: root, env: offlinePrismaEnv(), encoding: "utf8" });
  if (r.status !== 0) throw new Error(`prisma migrate diff failed:\n${r.stderr}`);
  return r.stdout;
}

// A new migration is the diff between the schema the last migration was made from (kept as
// prisma/migrations/schema-snapshot.prisma) and prisma/schema.prisma, for both dialects.
function createMigration(name) {
  if (!/^[a-z0-9_]+$/.test(name ?? "")) throw new Error("usage: node scripts/prisma-generate.mjs migration <snake_case_name>");
  const snapshot = path.join(root, "prisma", "migrations", "schema-snapshot.prisma");
  const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
  const current = fs.readFileSync(schemaPath, "utf8");
  const tmp = fs.mkdtempSync(path.join(generatedDir, ".diff-"));
  try {
    for (const dialect of ["sqlite", "postgresql"]) {
      const toFile = dialect === "sqlite" ? schemaPath : writePostgresSchema(current, path.join(tmp, "to.prisma"));
      const fromArgs = fs.existsSync(snapshot)
        ? ["--from-schema-datamodel", dialect === "sqlite" ? snapshot : writePostgresSchema(fs.readFileSync(snapshot, "utf8"), path.join(tmp, "from.prisma"))]
        : ["--from-empty"];
      const sql = captureDiff([...fromArgs, "--to-schema-datamodel", toFile]);
      const dir = path.join(root, "prisma", ...(dialect === "sqlite" ? [] : ["postgres"]), "migrations", `${stamp}_${name}`);
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, "migration.sql"), sql);
      console.log(`wrote ${path.relative(root, dir)}/migration.sql`);
    }
    fs.writeFileSync(snapshot, current);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [command, ...rest] = process.argv.slice(2);
  try {
    if (command === undefined) process.exit(generateClients());
    else if (command === "migration") createMigration(rest[0]);
    else if (command === "prisma") process.exit(runPrisma(rest));
    else throw new Error(`unknown command ${command}`);
  } catch (err) {
    console.error(`prisma-generate: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
}
