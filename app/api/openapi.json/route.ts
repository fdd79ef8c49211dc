import { defineRoute } from "@/server/http/handler";
import { openApiJson } from "@/server/http/openapi";

// GET /api/openapi.json — the OpenAPI 3.1 document of this API (built from the zod contracts; rendered at /api-docs)
export const GET = defineRoute({ access: "public" }, async () => new Response(openApiJson(), { headers: { "content-type": "application/json", "cache-control": "no-store" } }));
