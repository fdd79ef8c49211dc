import { getLimitCaps } from "@/server/executor";
import { defineRoute, json } from "@/server/http/handler";

// GET /api/limits — default limits and the server caps (the editor shows them)
export const GET = defineRoute({ access: "viewer" }, async () => json(getLimitCaps()));
