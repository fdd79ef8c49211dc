import { requireApiKey } from "@/server/http/api-key-auth";
import { executeInput, resolveExecuteTarget } from "@/server/http/execute";
import { defineRoute, json, MAX_INPUT_BYTES } from "@/server/http/handler";
import { executeBodySchema, ruleParamsSchema } from "@/server/http/contracts";

// POST /api/rules/:id/execute — run the latest (or a pinned) saved version for another system (API key required); recorded (batched) with trigger "api"
export const POST = defineRoute(
  { access: "apiKey", authorize: requireApiKey, params: ruleParamsSchema, body: executeBodySchema, fieldLimits: { input: MAX_INPUT_BYTES } },
  async ({ params, body }) => json(await executeInput(await resolveExecuteTarget(params.id, body.version), body.input)),
);
