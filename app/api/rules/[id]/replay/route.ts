import { defineRoute, json, MAX_SOURCE_BYTES } from "@/server/http/handler";
import { replayBodySchema, ruleParamsSchema } from "@/server/http/contracts";
import { replayRule } from "@/server/http/replay";

// POST /api/rules/:id/replay — what-if: recorded execute inputs through a candidate and the live version, and what changed
export const POST = defineRoute({ access: "author", params: ruleParamsSchema, body: replayBodySchema, maxBodyBytes: MAX_SOURCE_BYTES + 64 * 1024 }, async ({ params, body }) => {
  return json(
    await replayRule(params.id, {
      candidate: body.candidate,
      last: body.last,
      ...(body.since ? { since: new Date(body.since) } : {}),
      changesOffset: body.changesOffset,
      changesLimit: body.changesLimit,
    }),
  );
});
