import { getExecutable } from "@/server/db/executable";
import { recordApiRun } from "@/server/db/runs";
import { getLimitCaps, runRule } from "@/server/executor";
import type { Limits } from "@/server/contracts/run";
import { requireApiKey } from "@/server/http/api-key-auth";
import { conflict, notFound } from "@/server/http/errors";
import { defineRoute, json, MAX_INPUT_BYTES } from "@/server/http/handler";
import { executeBodySchema, ruleParamsSchema } from "@/server/http/contracts";

// A version keeps the limits it was saved with; if an operator lowered the caps since, the caps win.
function clampToCaps(limits: Limits): Limits {
  const { caps } = getLimitCaps();
  return {
    timeoutMs: Math.min(limits.timeoutMs, caps.timeoutMs),
    memoryMb: Math.min(limits.memoryMb, caps.memoryMb),
    maxOutputBytes: Math.min(limits.maxOutputBytes, caps.maxOutputBytes),
    maxLogBytes: Math.min(limits.maxLogBytes, caps.maxLogBytes),
  };
}

// POST /api/rules/:id/execute — run the latest (or a pinned) saved version for another system (API key required); recorded (batched) with trigger "api"
export const POST = defineRoute(
  { authorize: requireApiKey, params: ruleParamsSchema, body: executeBodySchema, fieldLimits: { input: MAX_INPUT_BYTES } },
  async ({ params, body }) => {
    const rule = await getExecutable(params.id, body.version);
    if (!rule) throw notFound(`rule ${params.id} not found`);
    if (rule.archived) throw conflict(`rule ${params.id} is archived; restore it to execute it`);
    const { version } = rule;
    if (!version) throw notFound(body.version === undefined ? `rule ${rule.ruleId} has no saved version` : `version ${body.version} of rule ${rule.ruleId} not found`);
    const result = await runRule({ source: version.source, language: version.language, input: body.input, limits: clampToCaps(version.limits) });
    // Recorded asynchronously in batches (server/db/run-recorder.ts); the id is valid at once.
    let runId: string | null = null;
    try {
      runId = await recordApiRun({
        ruleId: rule.ruleId,
        versionNumber: version.number,
        source: null,
        sourceHash: version.sha256,
        language: version.language,
        trigger: "api",
        input: body.input,
        result,
      });
    } catch (err) {
      console.error(`[rulebox] could not record an api run of rule ${rule.ruleId} v${version.number}`, err);
    }
    return json({ ...result, runId, version: version.number });
  },
);
