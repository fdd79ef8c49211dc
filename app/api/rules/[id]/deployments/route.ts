import { listDeployments } from "@/server/db/deployments";
import { requireRule } from "@/server/db/rules";
import { defineRoute, json } from "@/server/http/handler";
import { ruleParamsSchema } from "@/server/http/contracts";

// GET /api/rules/:id/deployments — every move of the live version, newest first (who, when, from → to, message)
export const GET = defineRoute({ access: "viewer", params: ruleParamsSchema }, async ({ params }) => {
  const rule = await requireRule(params.id);
  return json({ publishedVersion: rule.publishedVersion, deployments: await listDeployments(params.id) });
});
