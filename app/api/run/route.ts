import { getRule } from "@/server/db/rules";
import { hashSource } from "@/server/db/hash";
import { recordRun } from "@/server/db/runs";
import { getRuleVersion } from "@/server/db/versions";
import { resolveLimits, runRule } from "@/server/executor";
import { notFound } from "@/server/http/errors";
import { defineRoute, json, MAX_INPUT_BYTES, MAX_SOURCE_BYTES } from "@/server/http/handler";
import { runBodySchema } from "@/server/http/contracts";

// POST /api/run — run unsaved source from the editor; recorded (trigger "ide") when tied to a rule
export const POST = defineRoute({ access: "author", body: runBodySchema, fieldLimits: { source: MAX_SOURCE_BYTES, input: MAX_INPUT_BYTES } }, async ({ body }) => {
  const rule = body.ruleId === undefined ? null : await getRule(body.ruleId);
  if (body.ruleId !== undefined && !rule) throw notFound(`rule ${body.ruleId} not found`);
  if (rule && body.version !== undefined && !(await getRuleVersion(rule.id, body.version))) {
    throw notFound(`version ${body.version} of rule ${rule.id} not found`);
  }
  // The rule's own limits apply unless the request overrides them; a value above a cap is a 422.
  const limits = resolveLimits({ ...rule?.limits, ...body.limits });
  const result = await runRule({
    source: body.source,
    language: body.language,
    input: body.input,
    limits,
    ...(rule ? { ruleId: rule.id } : {}),
    ...(rule && body.version !== undefined ? { version: body.version } : {}),
  });
  if (!rule) return json(result);
  try {
    const runId = await recordRun({
      ruleId: rule.id,
      versionNumber: body.version ?? null,
      source: body.source,
      sourceHash: hashSource(body.source),
      language: body.language,
      trigger: "ide",
      input: body.input,
      result,
    });
    return json({ ...result, runId });
  } catch (err) {
    // The caller still gets the result it waited for; the lost record is an operator's concern.
    console.error(`[rulebox] could not record an ide run of rule ${rule.id}`, err);
    return json(result);
  }
});
