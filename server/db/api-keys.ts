import "server-only";
import { createHash, randomBytes } from "node:crypto";
import { LRUCache } from "lru-cache";
import { z } from "zod";
import { getDb, withWriteLock } from "./client";
import { EntityNotFoundError } from "./errors";
import { processGlobal } from "../process-global";

// API keys guard the execute endpoint (issue 5). The secret is shown once at creation; only its
// SHA-256 is stored, so a leaked database does not leak usable keys. Secrets carry 256 random bits,
// so a plain hash (no salt, no slow KDF) is enough: there is nothing to brute-force, and the hash
// doubles as the lookup key (unique index), which makes a timing-safe compare unnecessary.

/** Every secret starts with this, so leaked keys are easy to spot (secret scanners, logs). */
export const API_KEY_PREFIX = "rbx_";
/** Characters of the secret kept in clear to recognise a key in the UI ("rbx_" + 8). */
export const API_KEY_SHOWN_CHARS = 12;
const SECRET_PATTERN = /^rbx_[A-Za-z0-9_-]{43}$/;
/** lastUsedAt is written at most this often per key, so the hot path is not a write per request. */
export const LAST_USED_WRITE_INTERVAL_MS = 60_000;
const CACHE_MAX_ENTRIES = 1_000;

const apiKeyEnvSchema = z.object({
  /** How long a verified key is trusted without asking the database (revocations in other processes take up to this long). */
  RULEBOX_API_KEY_CACHE_MS: z.coerce.number().int().min(0).max(3_600_000).default(10_000),
});

/** An API key as shown to clients: never the secret, never its hash. */
export interface ApiKeySummary {
  id: string;
  name: string;
  prefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  /** The admin who created it (null: created before accounts existed). */
  ownerId: string | null;
  ownerEmail: string | null;
  /** The rules it may execute; null: every rule. */
  ruleIds: string[] | null;
}

/** The row fields the verifier needs. */
export interface ApiKeyRow extends ApiKeySummary {
  hash: string;
  /** A disabled owner's keys stop working. */
  ownerDisabled: boolean;
}

const ruleIdsSchema = z.array(z.string()).nullable();

type KeyRecord = { id: string; name: string; prefix: string; createdAt: Date; lastUsedAt: Date | null; revokedAt: Date | null; ownerId: string | null; ruleIdsJson: string | null };
const KEY_SELECT = { id: true, name: true, prefix: true, createdAt: true, lastUsedAt: true, revokedAt: true, ownerId: true, ruleIdsJson: true } as const;

async function withOwners(rows: KeyRecord[]): Promise<(ApiKeySummary & { ownerDisabled: boolean })[]> {
  const ownerIds = [...new Set(rows.map((r) => r.ownerId).filter((id): id is string => id !== null))];
  const db = await getDb();
  const owners = ownerIds.length ? await db.user.findMany({ where: { id: { in: ownerIds } }, select: { id: true, email: true, disabledAt: true } }) : [];
  const byId = new Map(owners.map((o) => [o.id, o]));
  return rows.map(({ ruleIdsJson, ...row }) => {
    const owner = row.ownerId ? byId.get(row.ownerId) : undefined;
    return {
      ...row,
      ownerEmail: owner?.email ?? null,
      // An owner row that no longer exists counts as disabled: the key has no one answerable for it.
      ownerDisabled: row.ownerId !== null && (!owner || owner.disabledAt !== null),
      ruleIds: ruleIdsJson === null ? null : ruleIdsSchema.parse(JSON.parse(ruleIdsJson)),
    };
  });
}

/** Hex SHA-256 of a secret: what is stored and looked up. */
export function hashApiKeySecret(secret: string): string {
  return createHash("sha256").update(secret, "utf8").digest("hex");
}

/** A fresh secret: "rbx_" + 32 random bytes, base64url (43 characters). */
export function generateApiKeySecret(): string {
  return API_KEY_PREFIX + randomBytes(32).toString("base64url");
}

/** Whether `text` has the shape of a secret (anything else is refused without a database lookup). */
export function isWellFormedApiKeySecret(text: string): boolean {
  return SECRET_PATTERN.test(text);
}

function toSummary(row: ApiKeySummary): ApiKeySummary {
  return { id: row.id, name: row.name, prefix: row.prefix, createdAt: row.createdAt, lastUsedAt: row.lastUsedAt, revokedAt: row.revokedAt, ownerId: row.ownerId, ownerEmail: row.ownerEmail, ruleIds: row.ruleIds };
}

/** Where the verifier reads keys and records use (the database in the app, fakes in unit tests). */
export interface ApiKeyStore {
  findByHash(hash: string): Promise<ApiKeyRow | null>;
  touch(id: string, at: Date): Promise<void>;
}

/** Verifier tunables. */
export interface ApiKeyVerifierOptions {
  cacheTtlMs: number;
  touchIntervalMs?: number;
  now?: () => number;
  log?: (message: string, err: unknown) => void;
}

/**
 * Checks secrets against the store with a short in-memory cache of verified hashes, and records
 * lastUsedAt at most once per touch interval per key, off the request path.
 */
export class ApiKeyVerifier {
  /** Verified keys by secret hash, each kept cacheTtlMs on this verifier's clock. */
  readonly #cache: LRUCache<string, ApiKeySummary>;
  readonly #touchedAt = new Map<string, number>();
  // Bumped by every invalidation: a lookup that started before a revoke must not cache its answer.
  #generation = 0;
  readonly #now: () => number;
  readonly #touchIntervalMs: number;
  readonly #log: (message: string, err: unknown) => void;

  constructor(
    private readonly store: ApiKeyStore,
    private readonly options: ApiKeyVerifierOptions,
  ) {
    this.#now = options.now ?? Date.now;
    const now = this.#now;
    this.#cache = new LRUCache({ max: CACHE_MAX_ENTRIES, ttl: Math.max(1, options.cacheTtlMs), ttlResolution: 0, perf: { now } });
    this.#touchIntervalMs = options.touchIntervalMs ?? LAST_USED_WRITE_INTERVAL_MS;
    this.#log = options.log ?? ((m, e) => console.error(m, e));
  }

  /** The active key this secret belongs to, or null (malformed, unknown or revoked). */
  async verify(secret: string): Promise<ApiKeySummary | null> {
    if (!isWellFormedApiKeySecret(secret)) return null;
    const hash = hashApiKeySecret(secret);
    const now = this.#now();
    const cached = this.#cache.get(hash);
    let key: ApiKeySummary;
    if (cached) {
      key = cached;
    } else {
      const generation = this.#generation;
      const row = await this.store.findByHash(hash);
      if (!row || row.revokedAt !== null || row.ownerDisabled) return null;
      key = toSummary(row);
      if (generation === this.#generation && this.options.cacheTtlMs > 0) {
        this.#cache.set(hash, key);
      }
      if (!this.#touchedAt.has(key.id) && key.lastUsedAt) this.#touchedAt.set(key.id, key.lastUsedAt.getTime());
    }
    this.#maybeTouch(key.id, now);
    return key;
  }

  /** Forgets a key (after a revoke): the next request with it asks the store again. */
  invalidate(id: string): void {
    this.#generation += 1;
    for (const [hash, entry] of this.#cache.entries()) if (entry.id === id) this.#cache.delete(hash);
    this.#touchedAt.delete(id);
  }

  /** Forgets every cached key of an owner (after disabling them). */
  invalidateOwner(ownerId: string): void {
    this.#generation += 1;
    for (const [hash, entry] of this.#cache.entries()) if (entry.ownerId === ownerId) this.#cache.delete(hash);
  }

  #maybeTouch(id: string, now: number): void {
    const last = this.#touchedAt.get(id);
    if (last !== undefined && now - last < this.#touchIntervalMs) return;
    if (this.#touchedAt.size >= CACHE_MAX_ENTRIES && last === undefined) this.#touchedAt.delete(this.#touchedAt.keys().next().value!);
    this.#touchedAt.set(id, now);
    this.store.touch(id, new Date(now)).catch((err: unknown) => this.#log(`[rulebox] recording the use of api key ${id} failed`, err));
  }
}

const dbStore: ApiKeyStore = {
  async findByHash(hash) {
    const db = await getDb();
    const row = await db.apiKey.findUnique({ where: { hash }, select: { ...KEY_SELECT, hash: true } });
    if (!row) return null;
    const [withOwner] = await withOwners([row]);
    return { ...withOwner!, hash: row.hash };
  },
  async touch(id, at) {
    const db = await getDb();
    // updateMany: a key deleted meanwhile is not an error worth logging.
    await withWriteLock(() => db.apiKey.updateMany({ where: { id }, data: { lastUsedAt: at } }));
  },
};

// On globalThis: Next.js bundles each route separately, and a revoke in DELETE /api/keys/:id must
// reach the cache used by the execute route of the same process.
function verifier(): ApiKeyVerifier {
  return processGlobal("apiKeyVerifier", () => {
    const env = apiKeyEnvSchema.safeParse(process.env);
    if (!env.success) throw new Error(`Invalid RULEBOX_API_KEY_CACHE_MS: ${env.error.issues.map((i) => i.message).join("; ")}`);
    return new ApiKeyVerifier(dbStore, { cacheTtlMs: env.data.RULEBOX_API_KEY_CACHE_MS });
  });
}

/** Creates a key. The returned secret is never stored and cannot be read again. */
export async function createApiKey(name: string, options: { ownerId?: string | null; ruleIds?: string[] | null } = {}): Promise<{ key: ApiKeySummary; secret: string }> {
  const secret = generateApiKeySecret();
  const db = await getDb();
  const ruleIds = options.ruleIds ? [...new Set(options.ruleIds)] : null;
  if (ruleIds) {
    const found = await db.rule.findMany({ where: { id: { in: ruleIds } }, select: { id: true } });
    const missing = ruleIds.filter((id) => !found.some((r) => r.id === id));
    if (missing.length) throw new EntityNotFoundError("rule", missing.join(", "));
  }
  const row = await withWriteLock(() =>
    db.apiKey.create({
      data: { name, prefix: secret.slice(0, API_KEY_SHOWN_CHARS), hash: hashApiKeySecret(secret), ownerId: options.ownerId ?? null, ruleIdsJson: ruleIds ? JSON.stringify(ruleIds) : null },
      select: KEY_SELECT,
    }),
  );
  const [key] = await withOwners([row]);
  return { key: toSummary(key!), secret };
}

/** Every key, active ones first, newest first within each group. */
export async function listApiKeys(): Promise<ApiKeySummary[]> {
  const db = await getDb();
  const rows = (await withOwners(await db.apiKey.findMany({ orderBy: [{ createdAt: "desc" }, { id: "desc" }], select: KEY_SELECT }))).map(toSummary);
  return [...rows.filter((r) => r.revokedAt === null), ...rows.filter((r) => r.revokedAt !== null)];
}

/**
 * Revokes a key (idempotent: revoking a revoked key keeps its first revokedAt). Effective at once in
 * this process; other processes stop accepting it within RULEBOX_API_KEY_CACHE_MS.
 * @throws EntityNotFoundError for an unknown id.
 */
export async function revokeApiKey(id: string): Promise<ApiKeySummary> {
  const db = await getDb();
  await withWriteLock(() => db.apiKey.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: new Date() } }));
  verifier().invalidate(id);
  const row = await db.apiKey.findUnique({ where: { id }, select: KEY_SELECT });
  if (!row) throw new EntityNotFoundError("api key", id);
  return toSummary((await withOwners([row]))[0]!);
}

/** After an owner is disabled: their keys stop working at once in this process (others within RULEBOX_API_KEY_CACHE_MS). */
export function forgetKeysOf(ownerId: string): void {
  verifier().invalidateOwner(ownerId);
}

/** The active key a secret belongs to, or null. Cached briefly; see ApiKeyVerifier. */
export function verifyApiKey(secret: string): Promise<ApiKeySummary | null> {
  return verifier().verify(secret);
}
