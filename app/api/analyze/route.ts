import { analyzeSource } from "@/server/analysis/analyze";
import { defineRoute, json, MAX_SOURCE_BYTES } from "@/server/http/handler";
import { analyzeBodySchema } from "@/server/http/contracts";

// POST /api/analyze — the static analyzer's diagnostics for a source (the same code the editor runs)
export const POST = defineRoute({ body: analyzeBodySchema, fieldLimits: { source: MAX_SOURCE_BYTES } }, async ({ body }) => {
  return json({ diagnostics: analyzeSource(body.source, body.language) });
});
