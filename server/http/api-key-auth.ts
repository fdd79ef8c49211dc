import "server-only";
import { verifyApiKey } from "@/server/db/api-keys";
import { unauthorized } from "./errors";
import type { HeaderReader, KeyPrincipal } from "./handler";
import { countUnauthorizedExecute } from "./metrics";

/** The secret a request presents: `Authorization: Bearer <secret>`, else `X-API-Key: <secret>`; null when neither. */
export function readPresentedApiKey(headers: HeaderReader): string | null {
  const authorization = headers.get("authorization");
  if (authorization !== null) {
    const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization);
    return match ? match[1]! : "";
  }
  const header = headers.get("x-api-key");
  return header === null ? null : header.trim();
}

/**
 * `authorize` hook for the execute route: refuses (401, counted in /api/metrics) a request without
 * an active API key. Runs before the body is read, so a refused request never reaches the executor.
 */
export async function requireApiKey(request: { headers: HeaderReader }): Promise<KeyPrincipal> {
  const secret = readPresentedApiKey(request.headers);
  if (secret === null) {
    countUnauthorizedExecute();
    throw unauthorized("an API key is required: send Authorization: Bearer <key> (or X-API-Key: <key>)");
  }
  const key = secret === "" ? null : await verifyApiKey(secret);
  if (!key) {
    countUnauthorizedExecute();
    throw unauthorized("the API key is invalid or has been revoked");
  }
  return { id: key.id, ruleIds: key.ruleIds };
}
