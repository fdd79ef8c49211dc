import { actorOf, recordAudit } from "@/server/db/audit";
import { restoreRule } from "@/server/db/rules";
import { defineRoute, json } from "@/server/http/handler";
import { ruleParamsSchema } from "@/server/http/contracts";

// POST /api/rules/:id/restore — unarchive a rule
export const POST = defineRoute({ access: "publisher", params: ruleParamsSchema }, async ({ params, user, client }) => {
  const rule = await restoreRule(params.id);
  await recordAudit(actorOf(user), client.ip, { action: "rule.restore", targetType: "rule", targetId: rule.id, ruleId: rule.id, summary: `restored rule "${rule.name}"` });
  return json({ rule });
});
