import { signIn } from "@/server/auth/sign-in";
import { recordAudit } from "@/server/db/audit";
import { withSessionCookie } from "@/server/http/accounts";
import { signInBodySchema } from "@/server/http/contracts";
import { defineRoute } from "@/server/http/handler";

// POST /api/auth/sign-in — email and password → a new session (cookie rulebox_session); throttled
export const POST = defineRoute({ access: "public", body: signInBodySchema }, async ({ body, request, client }) => {
  const result = await signIn(body.email, body.password, client, (user, reason) =>
    recordAudit(user ?? { id: null, email: body.email }, client.ip, {
      action: "auth.sign_in_failed",
      targetType: "user",
      targetId: user?.id ?? null,
      summary: `failed sign-in as ${body.email} (${reason})`,
    }),
  );
  await recordAudit(result.user, client.ip, { action: "auth.sign_in", targetType: "session", targetId: result.user.id, summary: `signed in (${client.userAgent.slice(0, 80) || "unknown client"})` });
  return withSessionCookie(request, { user: result.user, expiresAt: result.expiresAt }, result);
});
