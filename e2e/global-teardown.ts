// Removes the run's temporary database directory (created in playwright.config.ts).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

export default function globalTeardown(): void {
  const dir = process.env.RULEBOX_E2E_DB_DIR;
  if (dir && path.dirname(dir) === os.tmpdir() && path.basename(dir).startsWith("rulebox-e2e-")) {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
