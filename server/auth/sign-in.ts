import "server-only";
// Signing in with email and password, throttled (issue 9). Two throttles, both answering 429 with
// Retry-After, so guessing is slow whichever way an attacker spreads it:
// - per account: after ACCOUNT_FREE_FAILURES consecutive failures the account is locked for
//   30 s, doubling per further failure up to 15 min; stored on the user row, so it holds across
//   app instances. Unknown emails get the same treatment in memory, so the answer does not reveal
//   whether an account exists.
// - per client address: CLIENT_MAX_FAILURES failures within CLIENT_WINDOW_MS (in memory, per instance).
// Both count an attempt before its hash is verified, so a burst of concurrent guesses cannot all
// pass before the first failure is written. Hash checks run at most MAX_CONCURRENT_HASHES at a time
// per process (more waiting than MAX_QUEUED_HASHES: 503), so sign-ins cannot starve /execute.
// Wrong email, wrong password and a disabled account get the same answer; unknown emails verify a
// dummy hash, so they take about as long.
import { LRUCache } from "lru-cache";
import { AppError } from "@/server/http/errors";
import { findUserForSignIn, recordSuccessfulSignIn, reserveSignInAttempt } from "@/server/db/users";
import { dummyHash, hashPassword, needsRehash, verifyPassword } from "./passwords";
import { roleSchema } from "./roles";
import { createSession } from "./sessions";
import { processGlobal } from "@/server/process-global";

export const ACCOUNT_FREE_FAILURES = 5;
const ACCOUNT_BASE_LOCK_MS = 30_000;
const ACCOUNT_MAX_LOCK_MS = 15 * 60_000;
export const CLIENT_MAX_FAILURES = 20;
const CLIENT_WINDOW_MS = 15 * 60_000;

export const SIGN_IN_REFUSED = "the email or password is wrong";

interface Counter {
  failures: number;
  /** Attempts being checked right now: counted before the hash is verified, so a burst of
   * concurrent attempts cannot all pass the throttle before the first failure is written. */
  pending: number;
  lockedUntil: number;
}

// On globalThis: Next bundles routes separately, and the sign-in throttle must be one per process.
const throttle = processGlobal("signInThrottle", () => ({
  clients: new LRUCache<string, Counter>({ max: 10_000, ttl: CLIENT_WINDOW_MS }),
  unknownEmails: new LRUCache<string, Counter>({ max: 10_000, ttl: ACCOUNT_MAX_LOCK_MS }),
  hashing: { active: 0, queue: [] as (() => void)[] },
}));

/** Password checks verified at once per process (each costs 19 MiB and ~50 ms of a core), and how many may wait. */
export const MAX_CONCURRENT_HASHES = 2;
export const MAX_QUEUED_HASHES = 16;

/**
 * Runs a password hash check within the process-wide budget, so unauthenticated sign-ins cannot
 * take the cores from /execute and the IDE: beyond MAX_QUEUED_HASHES waiting, 503 at once.
 */
async function withHashSlot<T>(fn: () => Promise<T>): Promise<T> {
  const h = throttle.hashing;
  if (h.active >= MAX_CONCURRENT_HASHES) {
    if (h.queue.length >= MAX_QUEUED_HASHES) throw new AppError("busy", "too many sign-ins are being checked right now; retry in a moment");
    await new Promise<void>((resolve) => h.queue.push(resolve));
  }
  h.active += 1;
  try {
    return await fn();
  } finally {
    h.active -= 1;
    h.queue.shift()?.();
  }
}

/** How long an account stays locked after its n-th consecutive failure (null: not locked). */
export function accountLockMs(failures: number): number | null {
  if (failures < ACCOUNT_FREE_FAILURES) return null;
  return Math.min(ACCOUNT_MAX_LOCK_MS, ACCOUNT_BASE_LOCK_MS * 2 ** (failures - ACCOUNT_FREE_FAILURES));
}

function throttled(message: string, untilMs: number): AppError {
  const retryAfterSeconds = Math.max(1, Math.ceil((untilMs - Date.now()) / 1000));
  return new AppError("throttled", `${message}; retry in ${retryAfterSeconds} s`, { retryAfterSeconds });
}

/**
 * Reserves one attempt on an in-memory counter (a client address, or an unknown email), or refuses
 * (429) when its failures plus the attempts in flight reach `max`. The returned function settles it.
 */
function reserve(cache: LRUCache<string, Counter>, key: string, max: number, what: string, lockMs: (failures: number) => number | null): (failed: boolean) => void {
  const now = Date.now();
  const entry = cache.get(key) ?? { failures: 0, pending: 0, lockedUntil: 0 };
  if (entry.lockedUntil > now) throw throttled(`too many failed sign-ins ${what}`, entry.lockedUntil);
  if (entry.failures + entry.pending >= max) throw throttled(`too many failed sign-ins ${what}`, now + (cache.getRemainingTTL(key) || CLIENT_WINDOW_MS));
  entry.pending += 1;
  cache.set(key, entry);
  let settled = false;
  return (failed) => {
    if (settled) return;
    settled = true;
    entry.pending -= 1;
    if (failed) {
      entry.failures += 1;
      const lock = lockMs(entry.failures);
      if (lock !== null) entry.lockedUntil = Date.now() + lock;
    }
    cache.set(key, entry);
  };
}

const refused = () => new AppError("unauthorized", SIGN_IN_REFUSED, { signIn: "/api/auth/sign-in" });

type UserRow = NonNullable<Awaited<ReturnType<typeof findUserForSignIn>>>;

/**
 * Whether `password` is the account's, under the account's throttle: the attempt is counted in the
 * database before the hash is verified (reserveSignInAttempt: past the free attempts, one checked
 * attempt per lock period however many arrive at once), and the count is reset on success.
 * @throws AppError 429 when the account is locked.
 */
export async function checkAccountPassword(row: UserRow, password: string): Promise<boolean> {
  const attempt = await reserveSignInAttempt(row.id, accountLockMs);
  if (attempt === null) {
    const current = await findUserForSignIn(row.email);
    throw throttled("too many failed sign-ins for this account", current?.lockedUntil?.getTime() ?? Date.now() + ACCOUNT_BASE_LOCK_MS);
  }
  const ok = await withHashSlot(() => verifyPassword(row.passwordHash, password));
  if (ok) await recordSuccessfulSignIn(row.id, needsRehash(row.passwordHash) ? await hashPassword(password) : undefined);
  return ok;
}

/** Reserves an attempt for this client address (see reserve()). */
export function reserveClientAttempt(client: { ip: string }): (failed: boolean) => void {
  return reserve(throttle.clients, client.ip || "unknown", CLIENT_MAX_FAILURES, "from this client", () => null);
}

export interface SignInResult {
  user: { id: string; email: string; name: string; role: string };
  token: string;
  expiresAt: Date;
}

/**
 * Checks the password and starts a session. @throws AppError: 401 wrong email or password (one
 * message for unknown emails, wrong passwords and disabled accounts), 429 throttled, 503 when too
 * many checks are already waiting. `onFailure` records the failed attempt (the audit trail).
 */
export async function signIn(
  email: string,
  password: string,
  client: { ip: string; userAgent: string },
  onFailure: (user: { id: string; email: string } | null, reason: string) => Promise<void>,
): Promise<SignInResult> {
  const settleClient = reserveClientAttempt(client);
  let failed = true;
  try {
    const row = await findUserForSignIn(email);
    if (!row) {
      const settleEmail = reserve(throttle.unknownEmails, email.toLowerCase(), ACCOUNT_FREE_FAILURES, "for this account", accountLockMs);
      try {
        await withHashSlot(async () => verifyPassword(await dummyHash(), password));
      } finally {
        settleEmail(true);
      }
      await onFailure(null, "unknown email");
      throw refused();
    }
    if (!(await checkAccountPassword(row, password))) {
      await onFailure({ id: row.id, email: row.email }, "wrong password");
      throw refused();
    }
    if (row.disabledAt) {
      // Answered like a wrong password: a right password must not reveal a disabled account.
      await onFailure({ id: row.id, email: row.email }, "account disabled");
      throw refused();
    }
    failed = false;
    const session = await createSession(row.id, client);
    return { user: { id: row.id, email: row.email, name: row.name, role: roleSchema.parse(row.role) }, ...session };
  } catch (err) {
    // A throttled or busy answer is not a guess that was checked: it does not count against the client.
    if (err instanceof AppError && (err.code === "throttled" || err.code === "busy")) failed = false;
    throw err;
  } finally {
    settleClient(failed);
  }
}
