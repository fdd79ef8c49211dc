import { actorOf, recordAudit } from "@/server/db/audit";
import { requireRule } from "@/server/db/rules";
import { listRuleVersions, saveRuleVersion } from "@/server/db/versions";
import { resolveLimits } from "@/server/contracts/limits";
import { preparePython } from "@/server/executor";
import { defineRoute, json, MAX_SOURCE_BYTES } from "@/server/http/handler";
import { ruleParamsSchema, saveVersionBodySchema } from "@/server/http/contracts";

// GET /api/rules/:id/versions — all versions, newest first (no source)
export const GET = defineRoute({ access: "viewer", params: ruleParamsSchema }, async ({ params }) => {
  await requireRule(params.id);
  return json({ versions: await listRuleVersions(params.id) });
});

// POST /api/rules/:id/versions — save a new immutable version numbered max+1
export const POST = defineRoute(
  { access: "author", params: ruleParamsSchema, body: saveVersionBodySchema, fieldLimits: { source: MAX_SOURCE_BYTES } },
  async ({ params, body, user, client }) => {
    const rule = await requireRule(params.id);
    const limits = resolveLimits({ ...rule.limits, ...body.limits });
    if (body.language === "python") preparePython();
    const version = await saveRuleVersion(params.id, { source: body.source, language: body.language, message: body.message, limits, author: user!.email });
    await recordAudit(actorOf(user), client.ip, {
      action: "version.save",
      targetType: "version",
      targetId: `${params.id}:${version.number}`,
      ruleId: params.id,
      summary: `${rule.name}: saved v${version.number}${body.message ? ` ("${body.message.slice(0, 100)}")` : ""}`,
    });
    const { source: _source, ...summary } = version;
    return json({ version: summary }, 201);
  },
);
