import { createApiKey, listApiKeys } from "@/server/db/api-keys";
import { createApiKeyBodySchema } from "@/server/http/contracts";
import { defineRoute, json } from "@/server/http/handler";

// GET /api/keys — every API key (never a secret or hash), active ones first
export const GET = defineRoute({}, async () => json({ keys: await listApiKeys() }));

// POST /api/keys — create a key; the secret is in this answer only
export const POST = defineRoute({ body: createApiKeyBodySchema }, async ({ body }) => {
  const { key, secret } = await createApiKey(body.name);
  return json({ key, secret }, 201);
});
