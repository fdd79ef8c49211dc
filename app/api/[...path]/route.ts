import { notFound, toErrorResponse } from "@/server/http/errors";

// Any other /api path — the JSON error envelope instead of the HTML 404 page
function unknownRoute(request: Request): Promise<Response> {
  return Promise.resolve(toErrorResponse(notFound(`no API route ${request.method} ${new URL(request.url).pathname}`)));
}

export const GET = unknownRoute;
export const POST = unknownRoute;
export const PUT = unknownRoute;
export const PATCH = unknownRoute;
export const DELETE = unknownRoute;
