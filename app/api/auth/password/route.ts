import { hashPassword, verifyPassword } from "@/server/auth/passwords";
import { createSession, revokeUserSessions } from "@/server/auth/sessions";
import { actorOf, recordAudit } from "@/server/db/audit";
import { findUserWithHash, setPasswordHash } from "@/server/db/users";
import { checkNewPassword, withSessionCookie } from "@/server/http/accounts";
import { changePasswordBodySchema } from "@/server/http/contracts";
import { AppError } from "@/server/http/errors";
import { defineRoute } from "@/server/http/handler";

// POST /api/auth/password — change your password: every session ends, this one is replaced by a fresh one
export const POST = defineRoute({ access: "viewer", body: changePasswordBodySchema }, async ({ body, user, request, client }) => {
  const row = await findUserWithHash(user!.id);
  if (!row || !(await verifyPassword(row.passwordHash, body.currentPassword))) {
    throw new AppError("forbidden", "the current password is wrong", { reason: "wrong_password" });
  }
  checkNewPassword(body.newPassword, row.email, "newPassword");
  await setPasswordHash(row.id, await hashPassword(body.newPassword));
  const ended = await revokeUserSessions(row.id);
  await recordAudit(actorOf(user), client.ip, { action: "auth.password_change", targetType: "user", targetId: row.id, summary: `changed their password (${ended} session(s) ended)` });
  const session = await createSession(row.id, client);
  return withSessionCookie(request, { changed: true }, session);
});
