import "server-only";
import type { z } from "zod";

/** Thrown when a JSON column holds something its schema rejects: the row is corrupt, not the request. */
export class CorruptRowError extends Error {
  override readonly name = "CorruptRowError";
}

/** Serialises a JSON value for a TEXT column. */
export function toJsonText(value: unknown): string {
  return JSON.stringify(value ?? null);
}

/** Parses and validates a JSON TEXT column; `what` names the column in the error. */
export function parseJsonColumn<S extends z.ZodType>(text: string, schema: S, what: string): z.infer<S> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new CorruptRowError(`${what}: not valid JSON`, { cause: err });
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new CorruptRowError(`${what}: ${parsed.error.message}`);
  return parsed.data;
}

/** Like parseJsonColumn, for nullable columns. */
export function parseOptionalJsonColumn<S extends z.ZodType>(text: string | null, schema: S, what: string): z.infer<S> | undefined {
  return text === null ? undefined : parseJsonColumn(text, schema, what);
}
