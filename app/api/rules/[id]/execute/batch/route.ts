import { executeBatchSpec, runExecuteBatch } from "@/server/http/execute-endpoints";
import { defineRoute, json } from "@/server/http/handler";

// POST /api/rules/:id/execute/batch — run one saved version on many inputs in one request (API key required); each run recorded like execute's.
// Under `npm start` the lean listener (server/http/execute-listener.ts) answers this path first, with the same spec.
export const POST = defineRoute(executeBatchSpec, async (input) => json(await runExecuteBatch(input)));
