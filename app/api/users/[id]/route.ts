import { hashPassword } from "@/server/auth/passwords";
import { forgetKeysOf } from "@/server/db/api-keys";
import { revokeUserSessions } from "@/server/auth/sessions";
import { actorOf, recordAudit } from "@/server/db/audit";
import { getUser, setPasswordHash, updateUser } from "@/server/db/users";
import { checkNewPassword } from "@/server/http/accounts";
import { updateUserBodySchema, userParamsSchema } from "@/server/http/contracts";
import { notFound } from "@/server/http/errors";
import { defineRoute, json } from "@/server/http/handler";

// PATCH /api/users/:id — change a user's role or name, disable (their sessions end at once) or
// enable them, or set a new password (their sessions end) (admin)
export const PATCH = defineRoute({ access: "admin", params: userParamsSchema, body: updateUserBodySchema }, async ({ params, body, user, client }) => {
  const target = await getUser(params.id);
  if (!target) throw notFound(`user ${params.id} not found`);
  if (body.password !== undefined) checkNewPassword(body.password, target.email);
  const { before, after } = await updateUser(params.id, { role: body.role, name: body.name, disabled: body.disabled });
  if (body.disabled === true) forgetKeysOf(params.id);
  const changes: string[] = [];
  if (before.role !== after.role) changes.push(`role ${before.role} → ${after.role}`);
  if (before.name !== after.name) changes.push(`name "${before.name}" → "${after.name}"`);
  if ((before.disabledAt === null) !== (after.disabledAt === null)) changes.push(after.disabledAt ? "disabled (sessions ended)" : "enabled");
  if (body.password !== undefined) {
    await setPasswordHash(params.id, await hashPassword(body.password));
    await revokeUserSessions(params.id);
    changes.push("password reset (sessions ended)");
  }
  await recordAudit(actorOf(user), client.ip, {
    action: "user.update",
    targetType: "user",
    targetId: after.id,
    summary: `${after.email}: ${changes.join(", ") || "no change"}`,
    before: { role: before.role, name: before.name, disabled: before.disabledAt !== null },
    after: { role: after.role, name: after.name, disabled: after.disabledAt !== null },
  });
  return json({ user: after });
});
