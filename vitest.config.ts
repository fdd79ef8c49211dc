import { defineConfig } from "vitest/config";
import path from "node:path";

export default defineConfig({
  resolve: { alias: { "@": path.resolve(__dirname), "server-only": path.resolve(__dirname, "server/testing/server-only-stub.ts") } },
  test: {
    include: ["server/**/*.test.ts", "components/**/*.test.ts", "app/**/*.test.ts", "tests/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // Supervisors started by unit tests load no Python interpreter until a Python run (the Python
    // pool tests warm their own); see tests/harness/server.ts.
    env: { RULEBOX_POOL_PYTHON_MIN_THREADS: "0" },
  },
});
