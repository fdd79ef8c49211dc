import { defineRoute, json } from "@/server/http/handler";

// GET /api/auth/me — the signed-in user (401 when signed out)
export const GET = defineRoute({ access: "viewer" }, async ({ user }) => {
  const { sessionId: _session, ...me } = user!;
  return json({ user: me });
});
