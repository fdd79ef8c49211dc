import { notFound } from "@/server/http/errors";
import { defineRoute } from "@/server/http/handler";

// Any other /api path — the JSON error envelope instead of the HTML 404 page (after the Host and
// cross-site checks every route has)
const unknownRoute = defineRoute({ access: "public" }, async ({ request }) => {
  throw notFound(`no API route ${request.method} ${new URL(request.url).pathname}`);
});

export const GET = unknownRoute;
export const POST = unknownRoute;
export const PUT = unknownRoute;
export const PATCH = unknownRoute;
export const DELETE = unknownRoute;
