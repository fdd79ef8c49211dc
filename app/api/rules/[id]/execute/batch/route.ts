import { requireApiKey } from "@/server/http/api-key-auth";
import { checkBatchBudget, executeBatch, resolveExecuteTarget } from "@/server/http/execute";
import { defineRoute, json, MAX_BATCH_INPUTS_BYTES, MAX_INPUT_BYTES } from "@/server/http/handler";
import { executeBatchBodySchema, ruleParamsSchema } from "@/server/http/contracts";

// POST /api/rules/:id/execute/batch — run one saved version on many inputs in one request (API key required); each run recorded like execute's
export const POST = defineRoute(
  { access: "apiKey",
    authorize: requireApiKey,
    params: ruleParamsSchema,
    body: executeBatchBodySchema,
    fieldLimits: { inputs: MAX_BATCH_INPUTS_BYTES },
    fieldItemLimits: { inputs: MAX_INPUT_BYTES },
  },
  async ({ params, body }) => {
    const target = await resolveExecuteTarget(params.id, body.version);
    checkBatchBudget(target, body.inputs.length);
    const results = await executeBatch(target, body.inputs);
    return json({ version: target.version.number, results });
  },
);
