import { actorOf, recordAudit } from "@/server/db/audit";
import { publishVersion } from "@/server/db/deployments";
import { requireRule } from "@/server/db/rules";
import { defineRoute, json } from "@/server/http/handler";
import { publishBodySchema, ruleParamsSchema } from "@/server/http/contracts";

// POST /api/rules/:id/publish — make a saved version the live one (rolling back is publishing an earlier version)
export const POST = defineRoute({ access: "publisher", params: ruleParamsSchema, body: publishBodySchema }, async ({ params, body, user, client }) => {
  const deployment = await publishVersion(params.id, body.version, { message: body.message, actor: user!.email });
  const rule = await requireRule(params.id);
  const move = deployment.fromVersion === null ? `published v${deployment.toVersion}` : deployment.toVersion < deployment.fromVersion ? `rolled back v${deployment.fromVersion} → v${deployment.toVersion}` : `published v${deployment.fromVersion} → v${deployment.toVersion}`;
  await recordAudit(actorOf(user), client.ip, {
    action: "deployment.publish",
    targetType: "deployment",
    targetId: deployment.id,
    ruleId: rule.id,
    summary: `${rule.name}: ${move}${body.message ? ` ("${body.message.slice(0, 100)}")` : ""}`,
    before: { version: deployment.fromVersion },
    after: { version: deployment.toVersion },
  });
  return json({ deployment, rule });
});
