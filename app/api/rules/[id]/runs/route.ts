import { requireRule } from "@/server/db/rules";
import { decodeRunCursor, flushApiRuns, listRuns } from "@/server/db/runs";
import { validationFailed } from "@/server/http/errors";
import { defineRoute, json } from "@/server/http/handler";
import { listRunsQuerySchema, ruleParamsSchema } from "@/server/http/contracts";

// GET /api/rules/:id/runs — run history, newest first; ?outcome= filters, ?cursor= pages, ?limit= (1–100)
export const GET = defineRoute({ access: "viewer", params: ruleParamsSchema, query: listRunsQuerySchema }, async ({ params, query }) => {
  await requireRule(params.id);
  const cursor = query.cursor === undefined ? undefined : decodeRunCursor(query.cursor);
  if (cursor === null) throw validationFailed("query.cursor: not a cursor returned by this endpoint", [{ path: ["query", "cursor"], message: "invalid cursor", code: "invalid_cursor" }]);
  await flushApiRuns();
  return json(await listRuns(params.id, { outcome: query.outcome, cursor, limit: query.limit }));
});
