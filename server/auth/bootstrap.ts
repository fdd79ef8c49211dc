import "server-only";
// The first admin without a browser (issue 9): RULEBOX_ADMIN_EMAIL and RULEBOX_ADMIN_PASSWORD are
// read at server start only while the database has no user; once anyone exists they are ignored.
// The password is never logged. Without them, the first visit to the app leads to /setup.
import { recordAudit } from "@/server/db/audit";
import { createFirstAdmin, needsFirstAdmin } from "@/server/db/users";
import { StateConflictError } from "@/server/db/errors";
import { hashPassword, passwordProblem } from "./passwords";

export async function bootstrapFirstAdmin(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  if (!(await needsFirstAdmin())) return "accounts: ready";
  const email = env.RULEBOX_ADMIN_EMAIL?.trim().toLowerCase();
  const password = env.RULEBOX_ADMIN_PASSWORD;
  if (!email && !password) return "accounts: no user yet; open the app to create the first admin (/setup)";
  if (!email || !password) throw new Error("set both RULEBOX_ADMIN_EMAIL and RULEBOX_ADMIN_PASSWORD to create the first admin at start (or neither, to create it in the browser)");
  if (!/^[^\s@]+@[^\s@]+$/.test(email)) throw new Error("RULEBOX_ADMIN_EMAIL is not an email address");
  const problem = passwordProblem(password, email);
  if (problem) throw new Error(`RULEBOX_ADMIN_PASSWORD: ${problem}`);
  try {
    const user = await createFirstAdmin({ email, name: env.RULEBOX_ADMIN_NAME?.trim() ?? "", passwordHash: await hashPassword(password) });
    await recordAudit({ id: user.id, email: user.email }, "", { action: "auth.setup", targetType: "user", targetId: user.id, summary: `created the first admin ${user.email} from RULEBOX_ADMIN_EMAIL at start` });
    return `accounts: created the first admin ${user.email} from RULEBOX_ADMIN_EMAIL (unset RULEBOX_ADMIN_PASSWORD now; it is not read again)`;
  } catch (err) {
    // Another instance starting on the same database won the race: that is the same outcome.
    if (err instanceof StateConflictError) return "accounts: ready";
    throw err;
  }
}
