import { actorOf, recordAudit } from "@/server/db/audit";
import { isUniqueViolation } from "@/server/db/errors";
import { archiveRule, requireRule, updateRule } from "@/server/db/rules";
import { resolveLimits } from "@/server/contracts/limits";
import { conflict } from "@/server/http/errors";
import { defineRoute, json } from "@/server/http/handler";
import { ruleParamsSchema, updateRuleBodySchema } from "@/server/http/contracts";

// GET /api/rules/:id — a rule with its latest version (source included)
export const GET = defineRoute({ access: "viewer", params: ruleParamsSchema }, async ({ params }) => {
  return json({ rule: await requireRule(params.id) });
});

// PATCH /api/rules/:id — rename, describe, or change the limits of future versions
export const PATCH = defineRoute({ access: "author", params: ruleParamsSchema, body: updateRuleBodySchema }, async ({ params, body, user, client }) => {
  // Checked against the caps now, so a rule cannot hold limits no version could be saved with.
  if (body.limits) resolveLimits(body.limits);
  try {
    const before = await requireRule(params.id);
    const rule = await updateRule(params.id, body);
    const changes = [
      body.name !== undefined && body.name !== before.name ? `name "${before.name}" → "${rule.name}"` : null,
      body.description !== undefined && body.description !== before.description ? "description changed" : null,
      body.limits !== undefined ? `limits ${JSON.stringify(before.limits)} → ${JSON.stringify(rule.limits)}` : null,
    ].filter((c) => c !== null);
    await recordAudit(actorOf(user), client.ip, {
      action: "rule.update",
      targetType: "rule",
      targetId: rule.id,
      ruleId: rule.id,
      summary: `${rule.name}: ${changes.join(", ") || "no change"}`,
      before: { name: before.name, limits: before.limits },
      after: { name: rule.name, limits: rule.limits },
    });
    return json({ rule });
  } catch (err) {
    if (isUniqueViolation(err)) throw conflict(`a rule named "${body.name ?? ""}" already exists`);
    throw err;
  }
});

// DELETE /api/rules/:id — archive (versions and runs are kept; POST …/restore brings it back)
export const DELETE = defineRoute({ access: "publisher", params: ruleParamsSchema }, async ({ params, user, client }) => {
  const rule = await archiveRule(params.id);
  await recordAudit(actorOf(user), client.ip, { action: "rule.archive", targetType: "rule", targetId: rule.id, ruleId: rule.id, summary: `archived rule "${rule.name}" (/execute refuses it)` });
  return json({ rule });
});
