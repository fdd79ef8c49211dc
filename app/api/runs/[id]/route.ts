import { flushApiRuns, getRun } from "@/server/db/runs";
import { notFound } from "@/server/http/errors";
import { defineRoute, json } from "@/server/http/handler";
import { runParamsSchema } from "@/server/http/contracts";

// GET /api/runs/:id — one recorded run with input, output, logs and error
export const GET = defineRoute({ access: "viewer", params: runParamsSchema }, async ({ params }) => {
  // Read-your-writes for the batched execute path: an id handed out a moment ago must resolve.
  await flushApiRuns();
  const run = await getRun(params.id);
  if (!run) throw notFound(`run ${params.id} not found`);
  return json({ run });
});
