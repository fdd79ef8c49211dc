import { restoreRule } from "@/server/db/rules";
import { defineRoute, json } from "@/server/http/handler";
import { ruleParamsSchema } from "@/server/http/contracts";

// POST /api/rules/:id/restore — unarchive a rule
export const POST = defineRoute({ params: ruleParamsSchema }, async ({ params }) => {
  return json({ rule: await restoreRule(params.id) });
});
