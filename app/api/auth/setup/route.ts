import { hashPassword } from "@/server/auth/passwords";
import { createSession } from "@/server/auth/sessions";
import { recordAudit } from "@/server/db/audit";
import { createFirstAdmin, needsFirstAdmin } from "@/server/db/users";
import { checkNewPassword, withSessionCookie } from "@/server/http/accounts";
import { setupBodySchema } from "@/server/http/contracts";
import { defineRoute, json } from "@/server/http/handler";

// GET /api/auth/setup — whether the app still needs its first admin
export const GET = defineRoute({ access: "public" }, async () => json({ needed: await needsFirstAdmin() }));

// POST /api/auth/setup — create the first admin (only while there is no user) and sign in as them
export const POST = defineRoute({ access: "public", body: setupBodySchema }, async ({ body, request, client }) => {
  checkNewPassword(body.password, body.email);
  const user = await createFirstAdmin({ email: body.email, name: body.name ?? "", passwordHash: await hashPassword(body.password) });
  await recordAudit({ id: user.id, email: user.email }, client.ip, { action: "auth.setup", targetType: "user", targetId: user.id, summary: `created the first admin ${user.email}` });
  const session = await createSession(user.id, client);
  return withSessionCookie(request, { user }, session, 201);
});
