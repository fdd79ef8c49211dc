// Prisma CLI configuration. `engine: "js"` runs the schema engine as WebAssembly through the
// better-sqlite3 driver adapter, so `generate` and `migrate diff` need no downloaded native engine.
// Migrations are applied by scripts/migrate.mjs, not by `prisma migrate deploy`.
import path from "node:path";
import { defineConfig } from "prisma/config";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: path.join("prisma", "schema.prisma"),
  migrations: { path: path.join("prisma", "migrations") },
  async adapter() {
    // The CLI only generates and diffs here; it never touches the real database.
    return new PrismaBetterSQLite3({ url: ":memory:" });
  },
});
