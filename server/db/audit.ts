import "server-only";
// The audit trail (issue 9): one append-only row per change and per sign-in, with who, what, on
// what, a one-line before → after summary, when and from where. This module only inserts and
// reads; the database refuses UPDATE and DELETE on the table (triggers in the migration).
import { z } from "zod";
import { getDb, withWriteLock } from "./client";
import { decodeRunCursor, encodeRunCursor } from "./runs";

/** Every action the trail records (a closed set, so the audit page can filter on it). */
export const AUDIT_ACTIONS = [
  "auth.setup",
  "auth.sign_in",
  "auth.sign_in_failed",
  "auth.sign_out",
  "auth.password_change",
  "auth.password_change_failed",
  "user.create",
  "user.update",
  "rule.create",
  "rule.update",
  "rule.archive",
  "rule.restore",
  "version.save",
  "test_case.create",
  "test_case.update",
  "test_case.delete",
  "deployment.publish",
  "key.create",
  "key.revoke",
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];
export const auditActionSchema = z.enum(AUDIT_ACTIONS);

/** Who did it: a signed-in person, or (failed sign-ins) only an email that was tried. */
export interface AuditActor {
  id: string | null;
  email: string | null;
}

export interface AuditInput {
  action: AuditAction;
  targetType: "rule" | "version" | "test_case" | "deployment" | "api_key" | "user" | "session";
  targetId?: string | null;
  ruleId?: string | null;
  summary: string;
  before?: unknown;
  after?: unknown;
}

export interface AuditEventView {
  id: string;
  createdAt: Date;
  actorId: string | null;
  actorEmail: string | null;
  action: string;
  targetType: string;
  targetId: string | null;
  ruleId: string | null;
  summary: string;
  details: { before?: unknown; after?: unknown } | null;
  ip: string;
}

/** Longest details JSON kept per row: the trail says what changed, it is not a copy of the data. */
const MAX_DETAILS_CHARS = 4_096;

/** Appends one event. */
export async function recordAudit(actor: AuditActor, ip: string, event: AuditInput): Promise<void> {
  const detailsText = event.before === undefined && event.after === undefined ? null : JSON.stringify({ before: event.before, after: event.after });
  const db = await getDb();
  await withWriteLock(() =>
    db.auditEvent.create({
      data: {
        actorId: actor.id,
        actorEmail: actor.email,
        action: event.action,
        targetType: event.targetType,
        targetId: event.targetId ?? null,
        ruleId: event.ruleId ?? null,
        summary: event.summary.slice(0, 500),
        detailsJson: detailsText === null ? null : detailsText.length > MAX_DETAILS_CHARS ? JSON.stringify({ clipped: detailsText.slice(0, MAX_DETAILS_CHARS) }) : detailsText,
        ip: ip.slice(0, 64),
      },
    }),
  );
}

export interface AuditFilter {
  actor?: string;
  ruleId?: string;
  action?: AuditAction;
  since?: Date;
  until?: Date;
  cursor?: string;
  limit: number;
}

/** Events newest first, filtered, with a cursor for the next page (null at the end). */
export async function listAuditEvents(filter: AuditFilter): Promise<{ events: AuditEventView[]; nextCursor: string | null }> {
  const cursor = filter.cursor ? decodeRunCursor(filter.cursor) : null;
  const db = await getDb();
  const rows = await db.auditEvent.findMany({
    where: {
      ...(filter.actor ? { OR: [{ actorId: filter.actor }, { actorEmail: filter.actor.toLowerCase() }] } : {}),
      ...(filter.ruleId ? { ruleId: filter.ruleId } : {}),
      ...(filter.action ? { action: filter.action } : {}),
      ...(filter.since || filter.until ? { createdAt: { ...(filter.since ? { gte: filter.since } : {}), ...(filter.until ? { lt: filter.until } : {}) } } : {}),
      ...(cursor ? { AND: [{ OR: [{ createdAt: { lt: cursor.createdAt } }, { createdAt: cursor.createdAt, id: { lt: cursor.id } }] }] } : {}),
    },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: filter.limit + 1,
  });
  const page = rows.slice(0, filter.limit);
  const last = page[page.length - 1];
  return {
    events: page.map(({ detailsJson, ...row }) => ({ ...row, details: detailsJson ? (JSON.parse(detailsJson) as AuditEventView["details"]) : null })),
    nextCursor: rows.length > filter.limit && last ? encodeRunCursor({ createdAt: last.createdAt, id: last.id }) : null,
  };
}

/** The actor of a signed-in request. */
export function actorOf(user: { id: string; email: string } | null): AuditActor {
  return user ? { id: user.id, email: user.email } : { id: null, email: null };
}
