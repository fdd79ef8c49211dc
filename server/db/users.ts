import "server-only";
// People's accounts (issue 9): rows of User, as the API shows them (never the password hash).
import { getDb, getDialect, withWriteLock, writeTransaction } from "./client";
import { EntityNotFoundError, isUniqueViolation, StateConflictError } from "./errors";
import { roleSchema, type Role } from "@/server/auth/roles";

/** A user as the API shows them. */
export interface UserSummary {
  id: string;
  email: string;
  name: string;
  role: Role;
  disabledAt: Date | null;
  createdAt: Date;
}

const SUMMARY = { id: true, email: true, name: true, role: true, disabledAt: true, createdAt: true } as const;
const FIRST_ADMIN_CLAIM = "setup.first_admin";

function toSummary(row: { id: string; email: string; name: string; role: string; disabledAt: Date | null; createdAt: Date }): UserSummary {
  return { ...row, role: roleSchema.parse(row.role) };
}

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** Whether the app still needs its first admin (an empty user table). */
export async function needsFirstAdmin(): Promise<boolean> {
  const db = await getDb();
  return (await db.user.count()) === 0;
}

/**
 * Creates the first admin, once: the claim row's primary key makes a second attempt (or a race of
 * two) fail. @throws StateConflictError when an admin was already created.
 */
export async function createFirstAdmin(input: { email: string; name: string; passwordHash: string }): Promise<UserSummary> {
  try {
    return await writeTransaction(async (tx) => {
      if ((await tx.user.count()) > 0) throw new StateConflictError("the first admin already exists; sign in instead");
      await tx.setting.create({ data: { key: FIRST_ADMIN_CLAIM, value: normaliseEmail(input.email) } });
      const row = await tx.user.create({ data: { email: normaliseEmail(input.email), name: input.name, role: "admin", passwordHash: input.passwordHash }, select: SUMMARY });
      return toSummary(row);
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new StateConflictError("the first admin already exists; sign in instead");
    throw err;
  }
}

/** Creates a user. @throws StateConflictError when the email is taken. */
export async function createUser(input: { email: string; name: string; role: Role; passwordHash: string }): Promise<UserSummary> {
  const db = await getDb();
  try {
    const row = await withWriteLock(() => db.user.create({ data: { ...input, email: normaliseEmail(input.email) }, select: SUMMARY }));
    return toSummary(row);
  } catch (err) {
    if (isUniqueViolation(err)) throw new StateConflictError(`a user with the email ${normaliseEmail(input.email)} already exists`);
    throw err;
  }
}

export async function listUsers(): Promise<UserSummary[]> {
  const db = await getDb();
  const rows = await db.user.findMany({ orderBy: [{ createdAt: "asc" }, { id: "asc" }], select: SUMMARY });
  return rows.map(toSummary);
}

export async function getUser(id: string): Promise<UserSummary | null> {
  const db = await getDb();
  const row = await db.user.findUnique({ where: { id }, select: SUMMARY });
  return row ? toSummary(row) : null;
}

/** The row sign-in needs (with the hash and throttle state), by email. */
export async function findUserForSignIn(email: string) {
  const db = await getDb();
  return db.user.findUnique({ where: { email: normaliseEmail(email) } });
}

export async function findUserWithHash(id: string) {
  const db = await getDb();
  return db.user.findUnique({ where: { id } });
}

/**
 * Counts a sign-in attempt against the account before its password is checked, unless the account
 * is locked: returns the attempt's number, or null when locked. When the count reaches the free
 * attempts, the same transaction locks the account for `lockMs(n)`, so of concurrent attempts past
 * that point only this one is checked (the others find the lock: the row stays locked by this
 * UPDATE until commit, on PostgreSQL as on SQLite). A success resets the count.
 */
export async function reserveSignInAttempt(id: string, lockMs: (attempt: number) => number | null): Promise<number | null> {
  return writeTransaction(async (tx) => {
    const now = new Date();
    const { count } = await tx.user.updateMany({
      where: { id, OR: [{ lockedUntil: null }, { lockedUntil: { lte: now } }] },
      data: { failedSignIns: { increment: 1 } },
    });
    if (count === 0) return null;
    const row = await tx.user.findUniqueOrThrow({ where: { id }, select: { failedSignIns: true } });
    const lock = lockMs(row.failedSignIns);
    if (lock !== null) await tx.user.update({ where: { id }, data: { lockedUntil: new Date(now.getTime() + lock) } });
    return row.failedSignIns;
  });
}

export async function recordSuccessfulSignIn(id: string, rehash?: string): Promise<void> {
  const db = await getDb();
  await withWriteLock(() => db.user.update({ where: { id }, data: { failedSignIns: 0, lockedUntil: null, ...(rehash ? { passwordHash: rehash } : {}) } }));
}

export async function setPasswordHash(id: string, passwordHash: string): Promise<void> {
  const db = await getDb();
  await withWriteLock(() => db.user.update({ where: { id }, data: { passwordHash, passwordChangedAt: new Date(), failedSignIns: 0, lockedUntil: null } }));
}

/**
 * Changes a user's role, name or disabled state. Refuses to leave the app without an active admin.
 * @throws EntityNotFoundError, StateConflictError
 */
export async function updateUser(id: string, patch: { role?: Role; name?: string; disabled?: boolean }): Promise<{ before: UserSummary; after: UserSummary }> {
  return writeTransaction(async (tx) => {
    const row = await tx.user.findUnique({ where: { id }, select: SUMMARY });
    if (!row) throw new EntityNotFoundError("user", id);
    const before = toSummary(row);
    const losesAdmin = before.role === "admin" && before.disabledAt === null && ((patch.role !== undefined && patch.role !== "admin") || patch.disabled === true);
    if (losesAdmin) {
      // PostgreSQL: lock the active admins' rows first, so two instances demoting the last two
      // admins at once are serialised and the second sees the first's change (SQLite serialises
      // every write transaction anyway and has no FOR UPDATE).
      if (getDialect() === "postgresql") await tx.$queryRawUnsafe(`SELECT "id" FROM "User" WHERE "role" = 'admin' AND "disabledAt" IS NULL FOR UPDATE`);
      const admins = await tx.user.count({ where: { role: "admin", disabledAt: null } });
      if (admins <= 1) throw new StateConflictError("this is the last active admin: make another user admin first");
    }
    const disabledAt = patch.disabled === undefined ? undefined : patch.disabled ? (before.disabledAt ?? new Date()) : null;
    const updated = await tx.user.update({
      where: { id },
      data: { ...(patch.role ? { role: patch.role } : {}), ...(patch.name !== undefined ? { name: patch.name } : {}), ...(disabledAt !== undefined ? { disabledAt } : {}) },
      select: SUMMARY,
    });
    if (patch.disabled === true) await tx.session.deleteMany({ where: { userId: id } });
    return { before, after: toSummary(updated) };
  });
}
