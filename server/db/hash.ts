import "server-only";
import { createHash } from "node:crypto";

/** Hex SHA-256 of a rule's source text (UTF-8): the identity of a version's or a run's code. */
export function hashSource(source: string): string {
  return createHash("sha256").update(source, "utf8").digest("hex");
}
