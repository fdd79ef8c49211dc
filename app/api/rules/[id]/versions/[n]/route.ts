import { requireRule } from "@/server/db/rules";
import { getRuleVersion } from "@/server/db/versions";
import { notFound } from "@/server/http/errors";
import { defineRoute, json } from "@/server/http/handler";
import { versionParamsSchema } from "@/server/http/contracts";

// GET /api/rules/:id/versions/:n — one version with its source
export const GET = defineRoute({ access: "viewer", params: versionParamsSchema }, async ({ params }) => {
  await requireRule(params.id);
  const version = await getRuleVersion(params.id, params.n);
  if (!version) throw notFound(`version ${params.n} of rule ${params.id} not found`);
  return json({ version });
});
