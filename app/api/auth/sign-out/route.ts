import { clearedSessionCookie, isHttps, readSessionCookie, revokeSession, validateSessionToken } from "@/server/auth/sessions";
import { actorOf, recordAudit } from "@/server/db/audit";
import { defineRoute, json } from "@/server/http/handler";

// POST /api/auth/sign-out — end this session (the cookie is cleared; signing out twice is fine)
export const POST = defineRoute({ access: "public" }, async ({ request, client }) => {
  const token = readSessionCookie(request.headers);
  const user = token ? await validateSessionToken(token) : null;
  if (user) {
    await revokeSession(user.sessionId);
    await recordAudit(actorOf(user), client.ip, { action: "auth.sign_out", targetType: "session", targetId: user.id, summary: "signed out" });
  }
  const res = json({ signedOut: true });
  res.headers.append("set-cookie", clearedSessionCookie(isHttps(request)));
  return res;
});
