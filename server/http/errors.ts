import "server-only";
import { randomUUID } from "node:crypto";
import { ZodError, type core } from "zod";
import { EntityNotFoundError, isDatabaseBusy, isDatabaseError, isRecordNotFound, isUniqueViolation, StateConflictError, uniqueViolationTarget } from "@/server/db/errors";
import { LimitsError } from "@/server/contracts/limits";
import { LanguageDisabledError } from "@/server/contracts/languages";
import { ERROR_CODES, type ErrorCode, type ErrorEnvelope } from "@/server/contracts/api";
import { isExecutorRefusal } from "@/server/executor/errors";

// The codes and the envelope are response contracts (server/contracts/api.ts); re-exported for server code.
export { ERROR_CODES, type ErrorCode, type ErrorEnvelope };

const HTTP_STATUS = {
  bad_json: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  validation_failed: 422,
  throttled: 429,
  internal: 500,
  busy: 503,
} as const satisfies Record<ErrorCode, number>;

/** The HTTP status for an error code. */
export function statusOf(code: ErrorCode): number {
  return HTTP_STATUS[code];
}

/** An error meant for the client: its code, message and details are sent as they are. */
export class AppError extends Error {
  override readonly name = "AppError";
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }

  get status(): number {
    return statusOf(this.code);
  }
}

/** One failing field in a validation_failed answer. */
export interface FieldIssue {
  path: (string | number)[];
  message: string;
  code: string;
}

/** Flattens zod issues to { path, message, code } for the `details` of a 422. */
export function toFieldIssues(issues: readonly core.$ZodIssue[], prefix: (string | number)[] = []): FieldIssue[] {
  return issues.map((issue) => ({
    path: [...prefix, ...issue.path.map((p) => (typeof p === "symbol" ? String(p) : p))],
    message: issue.message,
    code: issue.code,
  }));
}

export const badJson = (message: string) => new AppError("bad_json", message);
export const validationFailed = (message: string, details?: FieldIssue[]) => new AppError("validation_failed", message, details);
export const notFound = (message: string) => new AppError("not_found", message);
export const conflict = (message: string) => new AppError("conflict", message);
export const payloadTooLarge = (message: string, details?: unknown) => new AppError("payload_too_large", message, details);
export const busy = (message: string) => new AppError("busy", message);
export const unauthorized = (message = "a valid API key is required") => new AppError("unauthorized", message);
/** 401 for the IDE's routes: no valid session (the details say where to sign in). */
export const signInRequired = (message = "sign in first: POST /api/auth/sign-in with your email and password") =>
  new AppError("unauthorized", message, { signIn: "/api/auth/sign-in" });
/** 403: authenticated (or not needed), but not allowed: a role, a key's scope, a cross-site request. */
export const forbidden = (message: string, details?: unknown) => new AppError("forbidden", message, details);

function describeIssues(issues: FieldIssue[]): string {
  const first = issues[0];
  if (!first) return "request is invalid";
  const where = first.path.length ? first.path.join(".") : "body";
  return issues.length === 1 ? `${where}: ${first.message}` : `${where}: ${first.message} (and ${issues.length - 1} more)`;
}

/** A run the executor did not start: its queue is full (503 busy) or the rule's runs are throttled (429). Otherwise null. */
export function toExecutorRefusal(err: unknown): AppError | null {
  return isExecutorRefusal(err) ? new AppError(err.code, err.message) : null;
}

/** Maps anything thrown while handling a request to the error the client should see. */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (err instanceof ZodError) {
    const issues = toFieldIssues(err.issues);
    return validationFailed(describeIssues(issues), issues);
  }
  if (err instanceof LimitsError) {
    return validationFailed(err.message, err.details.map((d) => ({ path: ["limits", d.field], message: d.message, code: "limits" })));
  }
  if (err instanceof LanguageDisabledError) return new AppError("conflict", err.message, { reason: "language_disabled" });
  if (err instanceof EntityNotFoundError) return notFound(err.message);
  if (err instanceof StateConflictError) return conflict(err.message);
  if (isUniqueViolation(err)) {
    const fields = uniqueViolationTarget(err);
    return conflict(fields.length ? `an entry with the same ${fields.join(", ")} already exists` : "an entry with the same unique value already exists");
  }
  if (isRecordNotFound(err)) return notFound("the record does not exist");
  if (isDatabaseBusy(err)) return busy("the database is busy; retry shortly");
  const refused = toExecutorRefusal(err);
  if (refused) return refused;
  const ref = randomUUID();
  // The detail stays in the server log: stack traces and SQL must not reach clients.
  console.error(`[rulebox] internal error ref=${ref}`, err);
  if (isDatabaseError(err)) {
    // Every write runs in a transaction, so a failed one has left nothing behind.
    return new AppError("internal", `the database failed; nothing was changed (ref ${ref})`);
  }
  return new AppError("internal", `internal server error (ref ${ref})`);
}

/** Builds the JSON response for an error. */
export function toErrorResponse(err: unknown): Response {
  const appError = toAppError(err);
  const body: ErrorEnvelope = {
    error: { code: appError.code, message: appError.message, ...(appError.details === undefined ? {} : { details: appError.details }) },
  };
  const headers: Record<string, string> = { "cache-control": "no-store" };
  const details = (appError.details ?? {}) as { signIn?: unknown; retryAfterSeconds?: unknown };
  // RFC 9110 §11.6.1: a 401 names the scheme the client should use (API keys; sessions sign in instead).
  if (appError.code === "unauthorized" && details.signIn === undefined) headers["www-authenticate"] = 'Bearer realm="rulebox"';
  if (appError.code === "throttled" || appError.code === "busy") {
    headers["retry-after"] = typeof details.retryAfterSeconds === "number" ? String(Math.max(1, Math.ceil(details.retryAfterSeconds))) : "1";
  }
  return Response.json(body, { status: appError.status, headers });
}
