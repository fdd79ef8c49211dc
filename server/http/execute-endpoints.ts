import "server-only";
// The two execute endpoints, declared once: what they accept (a RouteSpec: API key, params, body,
// byte limits) and what they answer. Served by the lean listener (execute-listener.ts) under
// `npm start`, and by their Next route handlers (app/api/rules/[id]/execute/**) under `next dev`
// or whenever the listener is not installed; both run acceptCall() on the same spec.
import { requireApiKey } from "./api-key-auth";
import { executeBatchBodySchema, executeBodySchema, ruleParamsSchema } from "./contracts";
import { checkBatchBudget, executeBatch, executeInput, resolveExecuteTarget } from "./execute";
import { MAX_BATCH_INPUTS_BYTES, MAX_INPUT_BYTES, type RouteSpec } from "./handler";

export const executeSpec = {
  access: "apiKey",
  authorize: requireApiKey,
  params: ruleParamsSchema,
  body: executeBodySchema,
  fieldLimits: { input: MAX_INPUT_BYTES },
} satisfies RouteSpec<typeof ruleParamsSchema, undefined, typeof executeBodySchema>;

/** POST /api/rules/:id/execute: the published (or pinned) version on one input. */
export async function runExecute({ params, body }: { params: { id: string }; body: { input: unknown; version?: number } }) {
  return executeInput(await resolveExecuteTarget(params.id, body.version), body.input);
}

export const executeBatchSpec = {
  access: "apiKey",
  authorize: requireApiKey,
  params: ruleParamsSchema,
  body: executeBatchBodySchema,
  fieldLimits: { inputs: MAX_BATCH_INPUTS_BYTES },
  fieldItemLimits: { inputs: MAX_INPUT_BYTES },
} satisfies RouteSpec<typeof ruleParamsSchema, undefined, typeof executeBatchBodySchema>;

/** POST /api/rules/:id/execute/batch: one version on many inputs, answered in order. */
export async function runExecuteBatch({ params, body }: { params: { id: string }; body: { inputs: unknown[]; version?: number } }) {
  const target = await resolveExecuteTarget(params.id, body.version);
  checkBatchBudget(target, body.inputs.length);
  return { version: target.version.number, results: await executeBatch(target, body.inputs) };
}
