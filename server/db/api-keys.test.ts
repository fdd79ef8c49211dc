import { describe, expect, it, vi } from "vitest";
import { ApiKeyVerifier, generateApiKeySecret, hashApiKeySecret, isWellFormedApiKeySecret, type ApiKeyRow, type ApiKeyStore } from "./api-keys";

function fakeStore(rows: ApiKeyRow[]) {
  const touches: { id: string; at: Date }[] = [];
  const store = {
    findByHash: vi.fn(async (hash: string) => rows.find((r) => r.hash === hash) ?? null),
    touch: vi.fn(async (id: string, at: Date) => {
      touches.push({ id, at });
    }),
  } satisfies ApiKeyStore;
  return { store, touches };
}

function keyRow(secret: string, overrides: Partial<ApiKeyRow> = {}): ApiKeyRow {
  return { id: "k1", name: "ci", prefix: secret.slice(0, 12), hash: hashApiKeySecret(secret), createdAt: new Date(0), lastUsedAt: null, revokedAt: null, ownerId: null, ownerEmail: null, ruleIds: null, ownerDisabled: false, ...overrides };
}

describe("API key secrets", () => {
  it("are rbx_ plus 43 base64url characters, distinct each time, hashed as hex sha256", () => {
    const a = generateApiKeySecret();
    const b = generateApiKeySecret();
    expect(a).toMatch(/^rbx_[A-Za-z0-9_-]{43}$/);
    expect(a).not.toBe(b);
    expect(isWellFormedApiKeySecret(a)).toBe(true);
    expect(hashApiKeySecret(a)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashApiKeySecret(a)).not.toContain(a.slice(4));
  });

  it.each(["", "rbx_", "rbx_short", `xyz_${"a".repeat(43)}`, `rbx_${"a".repeat(42)}!`, `rbx_${"a".repeat(44)}`])("%j is not well formed", (text) => {
    expect(isWellFormedApiKeySecret(text)).toBe(false);
  });
});

describe("ApiKeyVerifier", () => {
  it("accepts an active key and refuses unknown, revoked and malformed ones (malformed without a lookup)", async () => {
    const active = generateApiKeySecret();
    const revoked = generateApiKeySecret();
    const { store } = fakeStore([keyRow(active), keyRow(revoked, { id: "k2", revokedAt: new Date(1) })]);
    const verifier = new ApiKeyVerifier(store, { cacheTtlMs: 0 });
    expect(await verifier.verify(active)).toMatchObject({ id: "k1", name: "ci" });
    expect(await verifier.verify(active)).not.toHaveProperty("hash");
    expect(await verifier.verify(revoked)).toBeNull();
    expect(await verifier.verify(generateApiKeySecret())).toBeNull();
    store.findByHash.mockClear();
    expect(await verifier.verify("not a key")).toBeNull();
    expect(store.findByHash).not.toHaveBeenCalled();
  });

  it("refuses a key whose owner is disabled, and hands on the key's rule scope", async () => {
    const orphaned = generateApiKeySecret();
    const scoped = generateApiKeySecret();
    const { store } = fakeStore([keyRow(orphaned, { ownerId: "u1", ownerDisabled: true }), keyRow(scoped, { id: "k3", ownerId: "u2", ruleIds: ["r1"] })]);
    const verifier = new ApiKeyVerifier(store, { cacheTtlMs: 0 });
    expect(await verifier.verify(orphaned)).toBeNull();
    expect(await verifier.verify(scoped)).toMatchObject({ id: "k3", ruleIds: ["r1"] });
  });

  it("answers from its cache within the TTL and asks the store again after it", async () => {
    let now = 1_000_000;
    const secret = generateApiKeySecret();
    const { store } = fakeStore([keyRow(secret)]);
    const verifier = new ApiKeyVerifier(store, { cacheTtlMs: 10_000, now: () => now });
    await verifier.verify(secret);
    now += 9_999;
    await verifier.verify(secret);
    expect(store.findByHash).toHaveBeenCalledTimes(1);
    now += 2; // past the TTL (lru-cache keeps an entry for exactly ttl ms)
    await verifier.verify(secret);
    expect(store.findByHash).toHaveBeenCalledTimes(2);
  });

  it("forgets a key at once when it is invalidated (revoke in this process)", async () => {
    const secret = generateApiKeySecret();
    const row = keyRow(secret);
    const { store } = fakeStore([row]);
    const verifier = new ApiKeyVerifier(store, { cacheTtlMs: 60_000 });
    expect(await verifier.verify(secret)).not.toBeNull();
    row.revokedAt = new Date();
    verifier.invalidate(row.id);
    expect(await verifier.verify(secret)).toBeNull();
  });

  it("does not cache a lookup that raced with a revoke", async () => {
    const secret = generateApiKeySecret();
    const row = keyRow(secret);
    let release!: () => void;
    const store: ApiKeyStore = {
      findByHash: vi.fn(async () => {
        const snapshot = { ...row };
        await new Promise<void>((resolve) => (release = resolve));
        return snapshot;
      }),
      touch: async () => undefined,
    };
    const verifier = new ApiKeyVerifier(store, { cacheTtlMs: 60_000 });
    const pending = verifier.verify(secret);
    // The store read the row before the revoke landed; the revoke invalidates while it is in flight.
    row.revokedAt = new Date();
    verifier.invalidate(row.id);
    release();
    expect(await pending).not.toBeNull();
    store.findByHash = async () => ({ ...row });
    expect(await verifier.verify(secret)).toBeNull();
  });

  it("records lastUsedAt at most once per interval per key", async () => {
    let now = 5_000_000;
    const secret = generateApiKeySecret();
    const { store, touches } = fakeStore([keyRow(secret)]);
    const verifier = new ApiKeyVerifier(store, { cacheTtlMs: 1_000, touchIntervalMs: 60_000, now: () => now });
    for (let i = 0; i < 50; i++) {
      await verifier.verify(secret);
      now += 1_000;
    }
    expect(touches.map((t) => t.at.getTime())).toEqual([5_000_000]);
    now += 10_000;
    await verifier.verify(secret);
    expect(touches).toHaveLength(2);
  });

  it("starts the interval from the stored lastUsedAt, so a restart does not write at once", async () => {
    const now = 10_000_000;
    const secret = generateApiKeySecret();
    const { store, touches } = fakeStore([keyRow(secret, { lastUsedAt: new Date(now - 30_000) })]);
    const verifier = new ApiKeyVerifier(store, { cacheTtlMs: 1_000, now: () => now });
    await verifier.verify(secret);
    expect(touches).toEqual([]);
  });

  it("logs, and still answers, when recording the use fails", async () => {
    const secret = generateApiKeySecret();
    const log = vi.fn();
    const store: ApiKeyStore = { findByHash: async () => keyRow(secret), touch: async () => Promise.reject(new Error("disk full")) };
    const verifier = new ApiKeyVerifier(store, { cacheTtlMs: 0, log });
    expect(await verifier.verify(secret)).not.toBeNull();
    await vi.waitFor(() => expect(log).toHaveBeenCalledOnce());
  });
});
