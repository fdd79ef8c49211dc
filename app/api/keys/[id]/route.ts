import { revokeApiKey } from "@/server/db/api-keys";
import { apiKeyParamsSchema } from "@/server/http/contracts";
import { defineRoute, json } from "@/server/http/handler";

// DELETE /api/keys/:id — revoke a key (idempotent; the row is kept with revokedAt)
export const DELETE = defineRoute({ params: apiKeyParamsSchema }, async ({ params }) => json({ key: await revokeApiKey(params.id) }));
