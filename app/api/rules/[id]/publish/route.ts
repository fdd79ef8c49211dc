import { publishVersion } from "@/server/db/deployments";
import { requireRule } from "@/server/db/rules";
import { defineRoute, json } from "@/server/http/handler";
import { publishBodySchema, ruleParamsSchema } from "@/server/http/contracts";

// POST /api/rules/:id/publish — make a saved version the live one (rolling back is publishing an earlier version)
export const POST = defineRoute({ params: ruleParamsSchema, body: publishBodySchema }, async ({ params, body }) => {
  const deployment = await publishVersion(params.id, body.version, { message: body.message });
  return json({ deployment, rule: await requireRule(params.id) });
});
