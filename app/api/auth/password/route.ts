import { hashPassword } from "@/server/auth/passwords";
import { checkAccountPassword, reserveClientAttempt } from "@/server/auth/sign-in";
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
  if (!row) throw new AppError("forbidden", "the current password is wrong", { reason: "wrong_password" });
  // The same throttles as sign-in: a stolen session must not become a password-guessing oracle.
  const settleClient = reserveClientAttempt(client);
  let ok = false;
  try {
    ok = await checkAccountPassword(row, body.currentPassword);
  } finally {
    settleClient(!ok);
  }
  if (!ok) {
    await recordAudit(actorOf(user), client.ip, { action: "auth.password_change_failed", targetType: "user", targetId: row.id, summary: "tried to change their password with a wrong current password" });
    throw new AppError("forbidden", "the current password is wrong", { reason: "wrong_password" });
  }
  checkNewPassword(body.newPassword, row.email, "newPassword");
  await setPasswordHash(row.id, await hashPassword(body.newPassword));
  const ended = await revokeUserSessions(row.id);
  await recordAudit(actorOf(user), client.ip, { action: "auth.password_change", targetType: "user", targetId: row.id, summary: `changed their password (${ended} session(s) ended)` });
  const session = await createSession(row.id, client);
  return withSessionCookie(request, { changed: true }, session);
});
