import "server-only";
// Both generated clients share the runtime (@prisma/client/runtime/client), so these classes match either.
import { Prisma } from "./generated/sqlite/client";

/** A unique constraint rejected a write (duplicate rule name, version number race, …). */
export function isUniqueViolation(err: unknown): boolean {
  return err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002";
}

/** The row a write targeted does not exist. */
export function isRecordNotFound(err: unknown): boolean {
  return err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2025";
}

/** The database was too busy (lock wait or transaction timeout): worth a retry by the client. */
export function isDatabaseBusy(err: unknown): boolean {
  if (err instanceof Prisma.PrismaClientKnownRequestError) return err.code === "P1008" || err.code === "P2028" || err.code === "P2034";
  return err instanceof Error && /SQLITE_BUSY|database is locked/i.test(err.message);
}

/** Any failure reported by the database or the Prisma client (disk full, constraint, lost file, …). */
export function isDatabaseError(err: unknown): boolean {
  return (
    err instanceof Prisma.PrismaClientKnownRequestError ||
    err instanceof Prisma.PrismaClientUnknownRequestError ||
    err instanceof Prisma.PrismaClientInitializationError ||
    err instanceof Prisma.PrismaClientRustPanicError ||
    (err instanceof Error && err.name === "DriverAdapterError")
  );
}

/** Fields named by a unique violation, when the driver reports them. */
export function uniqueViolationTarget(err: unknown): string[] {
  if (!(err instanceof Prisma.PrismaClientKnownRequestError)) return [];
  const target = (err.meta as { target?: unknown } | undefined)?.target;
  if (Array.isArray(target)) return target.map(String);
  if (typeof target === "string") return [target];
  const fields = (err.meta as { driverAdapterError?: { cause?: { constraint?: { fields?: unknown } } } } | undefined)?.driverAdapterError?.cause?.constraint?.fields;
  return Array.isArray(fields) ? fields.map(String) : [];
}

/** A rule, version, test case or run that does not exist (mapped to HTTP 404). */
export class EntityNotFoundError extends Error {
  override readonly name = "EntityNotFoundError";
  constructor(readonly entity: "rule" | "version" | "test case" | "run" | "api key" | "user", readonly key: string) {
    super(`${entity} ${key} not found`);
  }
}

/** A write that the current state forbids, e.g. a new version of an archived rule (HTTP 409). */
export class StateConflictError extends Error {
  override readonly name = "StateConflictError";
}
