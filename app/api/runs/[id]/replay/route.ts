import { defineRoute, json } from "@/server/http/handler";
import { runParamsSchema } from "@/server/http/contracts";
import { replayRun } from "@/server/http/run-replay";

// POST /api/runs/:id/replay — run a recorded run again exactly (its code, input and clock) and say whether it answers the same
export const POST = defineRoute({ access: "author", params: runParamsSchema }, async ({ params }) => {
  return json(await replayRun(params.id));
});
