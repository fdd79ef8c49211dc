// The first admin of the e2e server and where their signed-in browser state is kept. Free of
// Playwright imports, so playwright.config.ts can use it too.
import path from "node:path";

/** Created through /setup by the setup project (first-admin.setup.ts). */
export const ADMIN = { email: "admin@e2e.example", name: "E2E Admin", password: "correct horse battery staple" };

/** The admin's storageState, in the run's temporary directory (removed by global-teardown.ts). */
export function adminStatePath(): string {
  return path.join(process.env.RULEBOX_E2E_DB_DIR ?? path.join("test-results", ".auth"), "admin-state.json");
}
