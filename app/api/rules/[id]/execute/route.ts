import { executeSpec, runExecute } from "@/server/http/execute-endpoints";
import { defineRoute, json } from "@/server/http/handler";

// POST /api/rules/:id/execute — run the published (or a pinned) saved version for another system (API key required); recorded (batched) with trigger "api".
// Under `npm start` the lean listener (server/http/execute-listener.ts) answers this path first, with the same spec.
export const POST = defineRoute(executeSpec, async (input) => json(await runExecute(input)));
