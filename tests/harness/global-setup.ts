// Vitest global setup for the integration suite: one built app per `vitest run`, its base URL
// handed to the test files with provide/inject.
import type { TestProject } from "vitest/node";
import { startServer } from "./server";

declare module "vitest" {
  export interface ProvidedContext {
    baseUrl: string;
    /** The started app's database (file: URL), for tests that inspect or sabotage it directly. */
    databaseUrl: string;
    /** Cookie header of a session of the bootstrapped admin. */
    adminCookie: string;
    admin: { email: string; password: string };
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startServer();
  project.provide("baseUrl", server.baseUrl);
  project.provide("databaseUrl", server.databaseUrl);
  project.provide("adminCookie", server.adminCookie);
  project.provide("admin", server.admin!);
  return async () => {
    await server.stop();
    if (process.env.RULEBOX_ITEST_SERVER_LOG === "1") console.log(server.output());
  };
}
