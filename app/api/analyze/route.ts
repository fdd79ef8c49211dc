import { analyzeOffThread } from "@/server/executor";
import { defineRoute, json, MAX_SOURCE_BYTES } from "@/server/http/handler";
import { analyzeBodySchema } from "@/server/http/contracts";

// POST /api/analyze — the static analyzer's diagnostics for a source (the same code the editor
// runs), computed off the server's thread with a deadline (RB004 when it runs out of time).
export const POST = defineRoute({ access: "viewer", body: analyzeBodySchema, fieldLimits: { source: MAX_SOURCE_BYTES } }, async ({ body }) => {
  return json({ diagnostics: await analyzeOffThread(body.source, body.language) });
});
