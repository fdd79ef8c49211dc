import { actorOf, recordAudit } from "@/server/db/audit";
import { revokeApiKey } from "@/server/db/api-keys";
import { apiKeyParamsSchema } from "@/server/http/contracts";
import { defineRoute, json } from "@/server/http/handler";

// DELETE /api/keys/:id — revoke a key (idempotent; the row is kept with revokedAt)
export const DELETE = defineRoute({ access: "admin", params: apiKeyParamsSchema }, async ({ params, user, client }) => {
  const key = await revokeApiKey(params.id);
  await recordAudit(actorOf(user), client.ip, { action: "key.revoke", targetType: "api_key", targetId: key.id, summary: `revoked API key "${key.name}" (${key.prefix}…)` });
  return json({ key });
});
