import { requireRule } from "@/server/db/rules";
import { listRuleVersions, saveRuleVersion } from "@/server/db/versions";
import { resolveLimits } from "@/server/executor/limits";
import { defineRoute, json, MAX_SOURCE_BYTES } from "@/server/http/handler";
import { ruleParamsSchema, saveVersionBodySchema } from "@/server/http/contracts";

// GET /api/rules/:id/versions — all versions, newest first (no source)
export const GET = defineRoute({ params: ruleParamsSchema }, async ({ params }) => {
  await requireRule(params.id);
  return json({ versions: await listRuleVersions(params.id) });
});

// POST /api/rules/:id/versions — save a new immutable version numbered max+1
export const POST = defineRoute(
  { params: ruleParamsSchema, body: saveVersionBodySchema, fieldLimits: { source: MAX_SOURCE_BYTES } },
  async ({ params, body }) => {
    const rule = await requireRule(params.id);
    const limits = resolveLimits({ ...rule.limits, ...body.limits });
    const version = await saveRuleVersion(params.id, { source: body.source, language: body.language, message: body.message, limits });
    const { source: _source, ...summary } = version;
    return json({ version: summary }, 201);
  },
);
