// End-to-end journeys in Debian's Chromium against the built app on a fresh temporary database.
// Never `playwright install`: the browser comes from the OS (CHROMIUM_PATH or /usr/bin/chromium).
import { defineConfig } from "@playwright/test";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { adminStatePath } from "./e2e/admin-state";

// The config is evaluated by the runner and again by each worker; the runner picks the port and the
// database once and hands them to the workers through the environment they inherit.
if (!process.env.RULEBOX_E2E_PORT) {
  const script = "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{process.stdout.write(String(s.address().port));s.close();});";
  process.env.RULEBOX_E2E_PORT = execFileSync(process.execPath, ["-e", script], { encoding: "utf8" }).trim();
}
if (!process.env.RULEBOX_E2E_DB_DIR) {
  process.env.RULEBOX_E2E_DB_DIR = fs.mkdtempSync(path.join(os.tmpdir(), "rulebox-e2e-"));
}

const port = Number(process.env.RULEBOX_E2E_PORT);
const baseURL = `http://127.0.0.1:${port}`;
const databaseUrl = `file:${path.join(process.env.RULEBOX_E2E_DB_DIR, "e2e.db")}`;

export default defineConfig({
  testDir: "e2e",
  testMatch: "*.spec.ts",
  globalTeardown: "./e2e/global-teardown.ts",
  outputDir: "test-results/artifacts",
  fullyParallel: false,
  workers: process.env.CI ? 1 : 2,
  retries: 0,
  forbidOnly: !!process.env.CI,
  timeout: 120_000,
  expect: { timeout: 15_000 },
  reporter: [["list"], ["html", { open: "never", outputFolder: "playwright-report" }]],
  use: {
    baseURL,
    // Tracing snapshots every Monaco DOM mutation and slows journeys several-fold; opt in with PW_TRACE=1.
    trace: process.env.PW_TRACE ? "retain-on-failure" : "off",
    screenshot: "only-on-failure",
    viewport: { width: 1440, height: 900 },
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
      ],
    },
  },
  projects: [
    // The first start of an empty database: the admin is created through /setup in the browser,
    // as a person would after `npm start`, and every other journey reuses that signed-in state.
    { name: "setup", testMatch: /first-admin\.setup\.ts$/, use: { browserName: "chromium" } },
    { name: "chromium", use: { browserName: "chromium", storageState: adminStatePath() }, dependencies: ["setup"] },
  ],
  webServer: {
    command: "node scripts/start.mjs",
    url: `${baseURL}/api/health`,
    reuseExistingServer: false,
    timeout: 240_000,
    stdout: "ignore",
    stderr: "pipe",
    // No RULEBOX_ADMIN_*: the server starts as a fresh install does, asking for its first admin.
    env: {
      PORT: String(port),
      HOSTNAME: "127.0.0.1",
      DATABASE_URL: databaseUrl,
      NEXT_TELEMETRY_DISABLED: "1",
      // e2e/python.spec.ts writes Python rules (off by default).
      RULEBOX_PYTHON_RULES: "on",
    },
  },
});
