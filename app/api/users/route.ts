import { hashPassword } from "@/server/auth/passwords";
import { actorOf, recordAudit } from "@/server/db/audit";
import { createUser, listUsers } from "@/server/db/users";
import { checkNewPassword } from "@/server/http/accounts";
import { createUserBodySchema } from "@/server/http/contracts";
import { defineRoute, json } from "@/server/http/handler";

// GET /api/users — every user (admin)
export const GET = defineRoute({ access: "admin" }, async () => json({ users: await listUsers() }));

// POST /api/users — create a user with a role and an initial password (admin); they sign in and change it
export const POST = defineRoute({ access: "admin", body: createUserBodySchema }, async ({ body, user, client }) => {
  checkNewPassword(body.password, body.email);
  const created = await createUser({ email: body.email, name: body.name ?? "", role: body.role, passwordHash: await hashPassword(body.password) });
  await recordAudit(actorOf(user), client.ip, {
    action: "user.create",
    targetType: "user",
    targetId: created.id,
    summary: `created ${created.email} as ${created.role}`,
    after: { email: created.email, role: created.role },
  });
  return json({ user: created }, 201);
});
