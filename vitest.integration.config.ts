import { defineConfig } from "vitest/config";
import path from "node:path";

// Integration tests (*.itest.ts) talk HTTP to the real built app, started once by the global setup
// on a free port with a throwaway SQLite database. Files run one after another: they share that
// server, and the machine has two cores.
export default defineConfig({
  resolve: { alias: { "@": path.resolve(__dirname), "server-only": path.resolve(__dirname, "server/testing/server-only-stub.ts") } },
  test: {
    include: ["**/*.itest.ts"],
    exclude: ["node_modules/**", ".next/**", ".executor-dist/**", "data/**"],
    globalSetup: ["tests/harness/global-setup.ts"],
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 180_000,
  },
});
