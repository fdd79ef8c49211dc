import { actorOf, recordAudit } from "@/server/db/audit";
import { resolveLimits } from "@/server/contracts/limits";
import { createRule, listRules } from "@/server/db/rules";
import { isUniqueViolation } from "@/server/db/errors";
import { starterSource } from "@/server/contracts/starter";
import { preparePython } from "@/server/executor";
import { conflict } from "@/server/http/errors";
import { defineRoute, json, MAX_INPUT_BYTES, MAX_SOURCE_BYTES } from "@/server/http/handler";
import { createRuleBodySchema, listRulesQuerySchema } from "@/server/http/contracts";

// GET /api/rules — list rules (q filters by name or description; archived ones with includeArchived=1)
export const GET = defineRoute({ access: "viewer", query: listRulesQuerySchema }, async ({ query }) => {
  return json({ rules: await listRules({ q: query.q, includeArchived: query.includeArchived }) });
});

// POST /api/rules — create a rule with version 1 (from `source` or a starter) and an optional sample test case
export const POST = defineRoute(
  { access: "author", body: createRuleBodySchema, fieldLimits: { source: MAX_SOURCE_BYTES, sampleInput: MAX_INPUT_BYTES } },
  async ({ body, user, client }) => {
    const language = body.language ?? "javascript";
    const limits = body.limits ?? {};
    // Its author is about to run it: have the interpreters loaded by then.
    if (language === "python") preparePython();
    try {
      const rule = await createRule({
        name: body.name,
        description: body.description ?? "",
        limits,
        firstVersion: {
          source: body.source ?? starterSource(language),
          language,
          message: body.message ?? "Initial version",
          limits: resolveLimits(limits),
          author: user!.email,
        },
        ...(body.sampleInput === undefined ? {} : { sampleTestCase: { name: "Sample", input: body.sampleInput } }),
      });
      await recordAudit(actorOf(user), client.ip, { action: "rule.create", targetType: "rule", targetId: rule.id, ruleId: rule.id, summary: `created rule "${rule.name}" with v1 (${language})` });
      return json({ rule }, 201);
    } catch (err) {
      if (isUniqueViolation(err)) throw conflict(`a rule named "${body.name}" already exists`);
      throw err;
    }
  },
);
