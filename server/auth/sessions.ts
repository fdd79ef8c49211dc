import "server-only";
// Server-side sessions (issue 9). Hand-written on purpose, and small: it follows the session design
// Lucia's authors now publish in place of the library (lucia-auth.com, "Sessions"; Lucia v3 was
// deprecated in 2025): a 256-bit random token in an httpOnly cookie, only its SHA-256 stored as the
// session id, idle and absolute expiry checked on every request, revocation by deleting the row.
// No signing key to manage and no crypto of our own. Auth.js was not a fit: its email-and-password
// provider only works with JWT sessions, which cannot be revoked at sign-out, on password change or
// when an admin disables a user. Sessions live in the database, so they work across app instances.
import { createHash, randomBytes } from "node:crypto";
import { z } from "zod";
import { getDb, withWriteLock } from "@/server/db/client";
import { roleSchema, type Role } from "./roles";

export const SESSION_COOKIE = "rulebox_session";
/** lastSeenAt (idle expiry) is written at most this often per session. */
const TOUCH_INTERVAL_MS = 60_000;

const sessionEnvSchema = z.object({
  /** A session unused this long ends (default 12 hours). */
  RULEBOX_SESSION_IDLE_MINUTES: z.coerce.number().int().min(1).max(60 * 24 * 30).default(12 * 60),
  /** A session ends this long after sign-in, used or not (default 7 days). */
  RULEBOX_SESSION_MAX_HOURS: z.coerce.number().int().min(1).max(24 * 90).default(7 * 24),
});

function sessionEnv() {
  const env = sessionEnvSchema.safeParse(process.env);
  if (!env.success) throw new Error(`invalid session settings: ${env.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  return { idleMs: env.data.RULEBOX_SESSION_IDLE_MINUTES * 60_000, maxMs: env.data.RULEBOX_SESSION_MAX_HOURS * 3_600_000 };
}

/** The signed-in person a request acts as. */
export interface SignedInUser {
  id: string;
  email: string;
  name: string;
  role: Role;
  sessionId: string;
}

export function hashSessionToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/** Starts a session: a fresh token (never reused, so a planted cookie cannot become a session). */
export async function createSession(userId: string, client: { ip: string; userAgent: string }): Promise<{ token: string; expiresAt: Date }> {
  const token = randomBytes(32).toString("base64url");
  const now = Date.now();
  const expiresAt = new Date(now + sessionEnv().maxMs);
  const db = await getDb();
  await withWriteLock(() =>
    db.session.create({ data: { id: hashSessionToken(token), userId, expiresAt, ip: client.ip.slice(0, 100), userAgent: client.userAgent.slice(0, 300) } }),
  );
  // Expired rows of anyone are swept here, off the read path.
  void withWriteLock(() => db.session.deleteMany({ where: { expiresAt: { lt: new Date(now) } } })).catch(() => undefined);
  return { token, expiresAt };
}

/** The user a session token belongs to, or null (unknown, expired, idle too long, user disabled). */
export async function validateSessionToken(token: string): Promise<SignedInUser | null> {
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return null;
  const id = hashSessionToken(token);
  const db = await getDb();
  const row = await db.session.findUnique({ where: { id }, include: { user: { select: { id: true, email: true, name: true, role: true, disabledAt: true } } } });
  if (!row) return null;
  const now = Date.now();
  const { idleMs } = sessionEnv();
  const role = roleSchema.safeParse(row.user.role);
  if (row.expiresAt.getTime() <= now || row.lastSeenAt.getTime() + idleMs <= now || row.user.disabledAt !== null || !role.success) {
    await withWriteLock(() => db.session.deleteMany({ where: { id } }));
    return null;
  }
  if (now - row.lastSeenAt.getTime() > TOUCH_INTERVAL_MS) {
    void withWriteLock(() => db.session.updateMany({ where: { id }, data: { lastSeenAt: new Date(now) } })).catch(() => undefined);
  }
  return { id: row.user.id, email: row.user.email, name: row.user.name, role: role.data, sessionId: id };
}

/** Ends one session (sign-out). */
export async function revokeSession(sessionId: string): Promise<void> {
  const db = await getDb();
  await withWriteLock(() => db.session.deleteMany({ where: { id: sessionId } }));
}

/** Ends every session of a user, except `keep` (password change keeps the one that changed it). */
export async function revokeUserSessions(userId: string, keep?: string): Promise<number> {
  const db = await getDb();
  const { count } = await withWriteLock(() => db.session.deleteMany({ where: { userId, ...(keep ? { id: { not: keep } } : {}) } }));
  return count;
}

/**
 * The session token a request carries in its Cookie header, or null. Tokens are base64url, so the
 * value is taken as sent (no decoding). Two session cookies are refused (null): a sibling
 * subdomain can plant a second one ("cookie tossing") that the browser would send first.
 */
export function readSessionCookie(headers: { get(name: string): string | null }): string | null {
  const header = headers.get("cookie");
  if (!header) return null;
  let token: string | null = null;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() !== SESSION_COOKIE) continue;
    if (token !== null) return null;
    token = part.slice(eq + 1).trim();
  }
  return token;
}

/** Whether the browser reached us over HTTPS (directly or through a proxy that says so). */
export function isHttps(request: Request): boolean {
  return new URL(request.url).protocol === "https:" || request.headers.get("x-forwarded-proto")?.split(",")[0]?.trim() === "https";
}

/** Set-Cookie for a new session: httpOnly, SameSite=Lax, Secure over HTTPS, expiring with the session. */
export function sessionCookie(token: string, expiresAt: Date, secure: boolean): string {
  return [`${SESSION_COOKIE}=${token}`, "Path=/", "HttpOnly", "SameSite=Lax", `Expires=${expiresAt.toUTCString()}`, ...(secure ? ["Secure"] : [])].join("; ");
}

/** Set-Cookie that removes the session cookie. */
export function clearedSessionCookie(secure: boolean): string {
  return [`${SESSION_COOKIE}=`, "Path=/", "HttpOnly", "SameSite=Lax", "Max-Age=0", ...(secure ? ["Secure"] : [])].join("; ");
}
