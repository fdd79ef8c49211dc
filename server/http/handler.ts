import "server-only";
import { z } from "zod";
import { roleAllows, type Role } from "@/server/auth/roles";
import { readSessionCookie, validateSessionToken, type SignedInUser } from "@/server/auth/sessions";
import { checkHost, checkSameOriginJson } from "./browser-guard";
import { badJson, busy, forbidden, payloadTooLarge, signInRequired, toErrorResponse, toFieldIssues, validationFailed } from "./errors";
import { isDraining, trackRequest } from "./lifecycle";

/** Byte sizes the API enforces (issue 2): measured before validation, answered with 413. */
export const MAX_SOURCE_BYTES = 256 * 1024;
export const MAX_INPUT_BYTES = 1024 * 1024;
/** All inputs of one execute batch together (each one is still held to MAX_INPUT_BYTES). */
export const MAX_BATCH_INPUTS_BYTES = 8 * 1024 * 1024;
/** Bodies without large fields (renames, limits, …). */
export const SMALL_BODY_BYTES = 64 * 1024;
/** Deeper JSON is refused: serialising it later could overflow the stack. */
export const MAX_JSON_DEPTH = 128;

/** Route handler context as Next.js passes it (params are a promise since Next 15). */
export interface NextRouteContext {
  params: Promise<Record<string, string | string[] | undefined>>;
}

type Infer<T> = T extends z.ZodType ? z.output<T> : undefined;

/**
 * Who may call a route: anyone ("public"), a caller presenting an API key ("apiKey": never a
 * cookie, so exempt from the cross-site check), or a signed-in person with at least this role.
 */
export type Access = "public" | "apiKey" | Role;

/** What an `authorize` hook learned about the caller: an API key limited to some rules, or not. */
export interface KeyPrincipal {
  id: string;
  /** null: every rule */
  ruleIds: string[] | null;
}

/** The calling client, as the audit trail records it. */
export interface ClientInfo {
  ip: string;
  userAgent: string;
}

/** What a route declares about its inputs; everything is validated before the handler runs. */
export interface RouteSpec<P extends z.ZodType | undefined, Q extends z.ZodType | undefined, B extends z.ZodType | undefined> {
  /** Required on every route, so none is open by omission. */
  access: Access;
  params?: P;
  query?: Q;
  body?: B;
  /** Top-level body fields with their own byte limit (strings: UTF-8 length; other values: JSON length). */
  fieldLimits?: Record<string, number>;
  /** Top-level array fields whose every element has its own byte limit (JSON length), e.g. a batch's inputs. */
  fieldItemLimits?: Record<string, number>;
  /** Hard cap on the raw body, checked while reading (default: the field limits plus 64 KiB). */
  maxBodyBytes?: number;
  /** Runs before the body is read: throw (e.g. `unauthorized()`) to refuse the request. A key limited to some rules is refused (403) for any other `params.id`. */
  authorize?: (call: { headers: HeaderReader }) => Promise<KeyPrincipal | void>;
}

/** The validated request a handler receives. */
export interface RouteInput<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  request: Request;
  /** The signed-in person (routes with a role access); null on public and API-key routes. */
  user: SignedInUser | null;
  client: ClientInfo;
}

/** A Next route handler made by defineRoute, carrying the spec it enforces. */
export type RouteHandler = ((request: Request, context: NextRouteContext) => Promise<Response>) & {
  spec: RouteSpec<z.ZodType | undefined, z.ZodType | undefined, z.ZodType | undefined>;
};

/**
 * Wraps a route handler: reads the body with a size cap, parses JSON (400 on failure), enforces
 * field byte limits (413), validates params, query and body with strict zod schemas (422 with the
 * failing paths), and turns anything thrown into the error envelope. Handlers return a Response.
 * Before any of that: the Host allowlist and the same-origin JSON check (browser-guard.ts), then
 * the session and role for `access`, then `authorize`, so a refused request costs no body read.
 */
export function defineRoute<P extends z.ZodType | undefined = undefined, Q extends z.ZodType | undefined = undefined, B extends z.ZodType | undefined = undefined>(
  spec: RouteSpec<P, Q, B>,
  handler: (input: RouteInput<Infer<P>, Infer<Q>, Infer<B>>) => Promise<Response>,
): RouteHandler {
  const limits = bodyLimits(spec);
  const route = async (request: Request, context: NextRouteContext) => {
    if (isDraining()) return toErrorResponse(busy("the server is shutting down; retry on another instance"));
    const finished = trackRequest();
    try {
      const accepted = await acceptCall(spec, limits, {
        method: request.method,
        headers: request.headers,
        params: () => context.params,
        query: () => new URL(request.url).searchParams,
        readBody: (limit) => readBodyText(request, limit),
      });
      return await handler({ ...accepted, request, client: clientInfo(request.headers) } as RouteInput<Infer<P>, Infer<Q>, Infer<B>>);
    } catch (err) {
      return toErrorResponse(err);
    } finally {
      finished();
    }
  };
  // The spec rides along so a test can hold each route to its OpenAPI entry (server/http/openapi.test.ts).
  return Object.assign(route, { spec: spec as RouteSpec<z.ZodType | undefined, z.ZodType | undefined, z.ZodType | undefined> });
}

/** Header access both a web Request and a node:http request can give (see execute-listener.ts). */
export interface HeaderReader {
  get(name: string): string | null;
  has(name: string): boolean;
}

/** One incoming call as acceptCall() needs it, whichever server received it. */
export interface IncomingCall {
  method: string;
  headers: HeaderReader;
  params: () => Promise<Record<string, string | string[] | undefined>> | Record<string, string | string[] | undefined>;
  query: () => URLSearchParams;
  /** The body as UTF-8, refused (413) past `limit` bytes while reading. */
  readBody: (limit: number) => Promise<string>;
}

export interface BodyLimits {
  fieldLimits: [string, number][];
  fieldItemLimits: [string, number][];
  maxBodyBytes: number;
}

export function bodyLimits(spec: Pick<RouteSpec<undefined, undefined, undefined>, "fieldLimits" | "fieldItemLimits" | "maxBodyBytes">): BodyLimits {
  const fieldLimits = Object.entries(spec.fieldLimits ?? {});
  return {
    fieldLimits,
    fieldItemLimits: Object.entries(spec.fieldItemLimits ?? {}),
    maxBodyBytes: spec.maxBodyBytes ?? fieldLimits.reduce((sum, [, n]) => sum + n, SMALL_BODY_BYTES),
  };
}

/**
 * Everything a route checks before its handler, in order, for Next's route handlers (defineRoute)
 * and the lean execute listener alike: Host, same-origin JSON (not for API-key routes), session
 * and role, `authorize` and a key's rule scope, then params, query and the body (read with its cap,
 * parsed, field limits, zod). Throws the AppError to answer with.
 */
export async function acceptCall<P extends z.ZodType | undefined, Q extends z.ZodType | undefined, B extends z.ZodType | undefined>(
  spec: RouteSpec<P, Q, B>,
  limits: BodyLimits,
  call: IncomingCall,
): Promise<{ params: Infer<P>; query: Infer<Q>; body: Infer<B>; user: SignedInUser | null }> {
  checkHost(call.headers);
  if (spec.access !== "apiKey") checkSameOriginJson(call);
  const user = spec.access === "public" || spec.access === "apiKey" ? null : await requireRole(call.headers, spec.access);
  const principal = spec.authorize ? await spec.authorize(call) : undefined;
  const params = spec.params ? parseWith(spec.params, await call.params(), "params") : undefined;
  if (principal && principal.ruleIds !== null) {
    const ruleId = (params as { id?: unknown } | undefined)?.id;
    if (typeof ruleId !== "string" || !principal.ruleIds.includes(ruleId)) {
      throw forbidden(`this API key may not execute rule ${String(ruleId)}: its scope is ${principal.ruleIds.length} other rule(s)`, { reason: "key_scope" });
    }
  }
  const query = spec.query ? parseWith(spec.query, Object.fromEntries(call.query()), "query") : undefined;
  let body: unknown = undefined;
  if (spec.body) {
    const json = parseJson(await call.readBody(limits.maxBodyBytes));
    checkFieldLimits(json, limits.fieldLimits);
    checkFieldItemLimits(json, limits.fieldItemLimits);
    body = parseWith(spec.body, json, "body");
  }
  return { params, query, body, user } as { params: Infer<P>; query: Infer<Q>; body: Infer<B>; user: SignedInUser | null };
}

/** The signed-in user of a request, refused with 401 (no valid session) or 403 (role too low). */
async function requireRole(headers: HeaderReader, required: Role): Promise<SignedInUser> {
  const token = readSessionCookie(headers);
  const user = token ? await validateSessionToken(token) : null;
  if (!user) throw signInRequired(token ? "your session has ended: sign in again" : undefined);
  if (!roleAllows(user.role, required)) {
    throw forbidden(`your role (${user.role}) cannot do this: it needs the ${required} role`, { reason: "role", role: user.role, required });
  }
  return user;
}

/**
 * The client's address as Next.js passes it (x-forwarded-for: the socket's address, or what a proxy
 * in front said). Without a proxy in front a client can set this header itself, so it is recorded
 * in the audit trail and used for the per-client sign-in throttle, never for a decision alone.
 */
export function clientInfo(headers: HeaderReader): ClientInfo {
  const forwarded = headers.get("x-forwarded-for")?.split(",")[0]?.trim() ?? "";
  return { ip: forwarded.slice(0, 64), userAgent: (headers.get("user-agent") ?? "").slice(0, 300) };
}

function parseWith<T extends z.ZodType>(schema: T, value: unknown, where: "params" | "query" | "body"): z.output<T> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issues = toFieldIssues(parsed.error.issues, where === "body" ? [] : [where]);
  const first = issues[0];
  const label = first && first.path.length ? first.path.join(".") : where;
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : "";
  throw validationFailed(`${label}: ${first?.message ?? "invalid"}${more}`, issues);
}

/** Reads the body as UTF-8, refusing (413) as soon as it exceeds `limit` bytes. */
async function readBodyText(request: Request, limit: number): Promise<string> {
  checkDeclaredSize(request.headers.get("content-length"), limit);
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge(limit);
    }
    chunks.push(value);
  }
  return decodeBody(chunks);
}

/** Refuses (413) before reading a body whose declared Content-Length is over `limit`. Shared with execute-listener.ts. */
export function checkDeclaredSize(contentLength: string | null | undefined, limit: number): void {
  const declared = Number(contentLength ?? "NaN");
  if (Number.isFinite(declared) && declared > limit) throw tooLarge(limit);
}

/** A body's bytes as UTF-8 text; 400 when they are not UTF-8. Shared with execute-listener.ts. */
export function decodeBody(chunks: Uint8Array[]): string {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks));
  } catch {
    throw badJson("request body is not valid UTF-8");
  }
}

export function tooLarge(limit: number) {
  return payloadTooLarge(`request body is larger than ${limit} bytes (${formatBytes(limit)})`, { limitBytes: limit });
}

function parseJson(text: string): unknown {
  if (text.trim() === "") throw badJson("request body is empty; expected a JSON object");
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw badJson(`request body is not valid JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (jsonDepthExceeds(value, MAX_JSON_DEPTH)) {
    throw validationFailed(`body: JSON is nested deeper than ${MAX_JSON_DEPTH} levels`, [{ path: [], message: `nested deeper than ${MAX_JSON_DEPTH} levels`, code: "too_deep" }]);
  }
  const illFormed = illFormedStringPath(value);
  if (illFormed) {
    // A lone surrogate (`"\ud800"`) is valid JSON but not Unicode text: no database column can store it.
    const where = illFormed.length > 0 ? illFormed.join(".") : "body";
    throw validationFailed(`${where}: contains a lone surrogate (\\ud800–\\udfff escape without its pair), which is not valid Unicode text`, [
      { path: illFormed, message: "contains a lone surrogate, which is not valid Unicode text", code: "invalid_unicode" },
    ]);
  }
  return value;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** The path of the first string (value or key) holding a lone surrogate, or null. Iterative. */
function illFormedStringPath(root: unknown): (string | number)[] | null {
  const stack: [unknown, (string | number)[]][] = [[root, []]];
  while (stack.length > 0) {
    const [value, at] = stack.pop()!;
    if (typeof value === "string") {
      if (LONE_SURROGATE.test(value)) return at;
      continue;
    }
    if (value === null || typeof value !== "object") continue;
    if (Array.isArray(value)) {
      value.forEach((child, i) => {
        if (typeof child === "string" || (child !== null && typeof child === "object")) stack.push([child, [...at, i]]);
      });
      continue;
    }
    for (const [key, child] of Object.entries(value)) {
      if (LONE_SURROGATE.test(key)) return [...at, key];
      if (typeof child === "string" || (child !== null && typeof child === "object")) stack.push([child, [...at, key]]);
    }
  }
  return null;
}

/** Iterative (a recursive walk is exactly what a hostile body would overflow). */
function jsonDepthExceeds(root: unknown, maxDepth: number): boolean {
  const stack: [unknown, number][] = [[root, 1]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop()!;
    if (value === null || typeof value !== "object") continue;
    if (depth > maxDepth) return true;
    for (const child of Array.isArray(value) ? value : Object.values(value)) {
      if (child !== null && typeof child === "object") stack.push([child, depth + 1]);
    }
  }
  return false;
}

/** A field's size: a string's own UTF-8 bytes, any other value's JSON bytes. */
function valueSize(value: unknown): number {
  return typeof value === "string" ? Buffer.byteLength(value, "utf8") : Buffer.byteLength(JSON.stringify(value) ?? "", "utf8");
}

function checkFieldLimits(json: unknown, limits: [string, number][]): void {
  if (json === null || typeof json !== "object" || Array.isArray(json)) return;
  const record = json as Record<string, unknown>;
  for (const [field, limit] of limits) {
    if (!Object.hasOwn(record, field)) continue;
    const size = valueSize(record[field]);
    if (size > limit) {
      throw payloadTooLarge(`${field} is ${size} bytes; the limit is ${limit} bytes (${formatBytes(limit)})`, { field, sizeBytes: size, limitBytes: limit });
    }
  }
}

function checkFieldItemLimits(json: unknown, limits: [string, number][]): void {
  if (json === null || typeof json !== "object" || Array.isArray(json)) return;
  const record = json as Record<string, unknown>;
  for (const [field, limit] of limits) {
    const items = record[field];
    if (!Array.isArray(items)) continue;
    items.forEach((item, index) => {
      // Measured as checkFieldLimits measures a single field, so one input is accepted by /execute
      // exactly when it is accepted as one item of /execute/batch.
      const size = valueSize(item);
      if (size > limit) {
        const where = `${field}[${index}]`;
        throw payloadTooLarge(`${where} is ${size} bytes; the limit is ${limit} bytes (${formatBytes(limit)})`, { field: where, sizeBytes: size, limitBytes: limit });
      }
    });
  }
}

function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${+(n / (1024 * 1024)).toFixed(2)} MiB`;
  if (n >= 1024) return `${+(n / 1024).toFixed(1)} KiB`;
  return `${n} B`;
}

/** A JSON response with caching disabled (API answers are always live). */
export function json(data: unknown, status = 200): Response {
  return Response.json(data, { status, headers: { "cache-control": "no-store" } });
}
