import { isUniqueViolation } from "@/server/db/errors";
import { archiveRule, requireRule, updateRule } from "@/server/db/rules";
import { resolveLimits } from "@/server/executor/limits";
import { conflict } from "@/server/http/errors";
import { defineRoute, json } from "@/server/http/handler";
import { ruleParamsSchema, updateRuleBodySchema } from "@/server/http/contracts";

// GET /api/rules/:id — a rule with its latest version (source included)
export const GET = defineRoute({ params: ruleParamsSchema }, async ({ params }) => {
  return json({ rule: await requireRule(params.id) });
});

// PATCH /api/rules/:id — rename, describe, or change the limits of future versions
export const PATCH = defineRoute({ params: ruleParamsSchema, body: updateRuleBodySchema }, async ({ params, body }) => {
  // Checked against the caps now, so a rule cannot hold limits no version could be saved with.
  if (body.limits) resolveLimits(body.limits);
  try {
    return json({ rule: await updateRule(params.id, body) });
  } catch (err) {
    if (isUniqueViolation(err)) throw conflict(`a rule named "${body.name ?? ""}" already exists`);
    throw err;
  }
});

// DELETE /api/rules/:id — archive (versions and runs are kept; POST …/restore brings it back)
export const DELETE = defineRoute({ params: ruleParamsSchema }, async ({ params }) => {
  return json({ rule: await archiveRule(params.id) });
});
