import "server-only";
// Signing in with email and password, throttled (issue 9). Two throttles, both answering 429 with
// Retry-After, so guessing is slow whichever way an attacker spreads it:
// - per account: after ACCOUNT_FREE_FAILURES consecutive failures the account is locked for
//   30 s, doubling per further failure up to 15 min; stored on the user row, so it holds across
//   app instances. Unknown emails get the same treatment in memory, so the answer does not reveal
//   whether an account exists.
// - per client address: CLIENT_MAX_FAILURES failures within CLIENT_WINDOW_MS (in memory, per instance).
// Wrong email and wrong password get the same message and take as long (a dummy hash is verified).
import { LRUCache } from "lru-cache";
import { AppError } from "@/server/http/errors";
import { findUserForSignIn, recordFailedSignIn, recordSuccessfulSignIn } from "@/server/db/users";
import { dummyHash, hashPassword, needsRehash, verifyPassword } from "./passwords";
import { roleSchema } from "./roles";
import { createSession } from "./sessions";

export const ACCOUNT_FREE_FAILURES = 5;
const ACCOUNT_BASE_LOCK_MS = 30_000;
const ACCOUNT_MAX_LOCK_MS = 15 * 60_000;
export const CLIENT_MAX_FAILURES = 20;
const CLIENT_WINDOW_MS = 15 * 60_000;

export const SIGN_IN_REFUSED = "the email or password is wrong";

interface Counter {
  failures: number;
  lockedUntil: number;
}

// On globalThis: Next bundles routes separately, and the sign-in throttle must be one per process.
const holder = globalThis as typeof globalThis & { __ruleboxSignInThrottle?: { clients: LRUCache<string, Counter>; unknownEmails: LRUCache<string, Counter> } };
const throttle = (holder.__ruleboxSignInThrottle ??= {
  clients: new LRUCache<string, Counter>({ max: 10_000, ttl: CLIENT_WINDOW_MS }),
  unknownEmails: new LRUCache<string, Counter>({ max: 10_000, ttl: ACCOUNT_MAX_LOCK_MS }),
});

/** How long an account stays locked after its n-th consecutive failure (null: not locked). */
export function accountLockMs(failures: number): number | null {
  if (failures < ACCOUNT_FREE_FAILURES) return null;
  return Math.min(ACCOUNT_MAX_LOCK_MS, ACCOUNT_BASE_LOCK_MS * 2 ** (failures - ACCOUNT_FREE_FAILURES));
}

function throttled(message: string, untilMs: number): AppError {
  const retryAfterSeconds = Math.max(1, Math.ceil((untilMs - Date.now()) / 1000));
  return new AppError("throttled", `${message}; retry in ${retryAfterSeconds} s`, { retryAfterSeconds });
}

function bump(cache: LRUCache<string, Counter>, key: string, lockMs: (failures: number) => number | null): void {
  const entry = cache.get(key) ?? { failures: 0, lockedUntil: 0 };
  entry.failures += 1;
  const lock = lockMs(entry.failures);
  if (lock !== null) entry.lockedUntil = Date.now() + lock;
  cache.set(key, entry);
}

export interface SignInResult {
  user: { id: string; email: string; name: string; role: string };
  token: string;
  expiresAt: Date;
}

/**
 * Checks the password and starts a session. @throws AppError: 401 wrong email or password (one
 * message for both), 403 disabled account, 429 throttled.
 * `onFailure` records the failed attempt (the audit trail) before the error is thrown.
 */
export async function signIn(
  email: string,
  password: string,
  client: { ip: string; userAgent: string },
  onFailure: (user: { id: string; email: string } | null, reason: string) => Promise<void>,
): Promise<SignInResult> {
  const now = Date.now();
  const clientKey = client.ip || "unknown";
  const clientEntry = throttle.clients.get(clientKey);
  if (clientEntry && clientEntry.failures >= CLIENT_MAX_FAILURES) {
    throw throttled("too many failed sign-ins from this client", now + (throttle.clients.getRemainingTTL(clientKey) || CLIENT_WINDOW_MS));
  }
  const row = await findUserForSignIn(email);
  if (!row) {
    const unknown = throttle.unknownEmails.get(email.toLowerCase());
    if (unknown && unknown.lockedUntil > now) throw throttled("too many failed sign-ins for this account", unknown.lockedUntil);
    await verifyPassword(await dummyHash(), password);
    bump(throttle.unknownEmails, email.toLowerCase(), accountLockMs);
    bump(throttle.clients, clientKey, () => null);
    await onFailure(null, "unknown email");
    throw new AppError("unauthorized", SIGN_IN_REFUSED, { signIn: "/api/auth/sign-in" });
  }
  if (row.lockedUntil && row.lockedUntil.getTime() > now) throw throttled("too many failed sign-ins for this account", row.lockedUntil.getTime());
  const ok = await verifyPassword(row.passwordHash, password);
  if (!ok) {
    await recordFailedSignIn(row.id, (failures) => {
      const lock = accountLockMs(failures);
      return lock === null ? null : new Date(Date.now() + lock);
    });
    bump(throttle.clients, clientKey, () => null);
    await onFailure({ id: row.id, email: row.email }, "wrong password");
    throw new AppError("unauthorized", SIGN_IN_REFUSED, { signIn: "/api/auth/sign-in" });
  }
  if (row.disabledAt) {
    await onFailure({ id: row.id, email: row.email }, "account disabled");
    throw new AppError("forbidden", "this account is disabled: ask an admin", { reason: "disabled" });
  }
  await recordSuccessfulSignIn(row.id, needsRehash(row.passwordHash) ? await hashPassword(password) : undefined);
  const session = await createSession(row.id, client);
  return { user: { id: row.id, email: row.email, name: row.name, role: roleSchema.parse(row.role) }, ...session };
}
