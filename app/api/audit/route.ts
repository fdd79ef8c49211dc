import { listAuditEvents } from "@/server/db/audit";
import { listAuditQuerySchema } from "@/server/http/contracts";
import { validationFailed } from "@/server/http/errors";
import { defineRoute, json } from "@/server/http/handler";

// GET /api/audit — the audit trail, newest first; filters actor (id or email), ruleId, action,
// since, until; cursor paging (admin)
export const GET = defineRoute({ access: "admin", query: listAuditQuerySchema }, async ({ query }) => {
  if (query.cursor !== undefined && !/^[A-Za-z0-9_-]+$/.test(query.cursor)) throw validationFailed("cursor: not a cursor from this API", [{ path: ["query", "cursor"], message: "not a cursor from this API", code: "invalid_cursor" }]);
  return json(await listAuditEvents(query));
});
