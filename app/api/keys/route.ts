import { actorOf, recordAudit } from "@/server/db/audit";
import { createApiKey, listApiKeys } from "@/server/db/api-keys";
import { createApiKeyBodySchema } from "@/server/http/contracts";
import { defineRoute, json } from "@/server/http/handler";

// GET /api/keys — every API key (never a secret or hash), active ones first
export const GET = defineRoute({ access: "admin" }, async () => json({ keys: await listApiKeys() }));

// POST /api/keys — create a key; the secret is in this answer only
export const POST = defineRoute({ access: "admin", body: createApiKeyBodySchema }, async ({ body, user, client }) => {
  const { key, secret } = await createApiKey(body.name, { ownerId: user!.id, ruleIds: body.ruleIds ?? null });
  await recordAudit(actorOf(user), client.ip, {
    action: "key.create",
    targetType: "api_key",
    targetId: key.id,
    summary: `created API key "${key.name}" (${key.prefix}…) for ${key.ruleIds ? `${key.ruleIds.length} rule(s)` : "every rule"}`,
    after: { ruleIds: key.ruleIds },
  });
  return json({ key, secret }, 201);
});
