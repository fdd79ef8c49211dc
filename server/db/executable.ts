import "server-only";
// What POST /api/rules/:id/execute runs: the rule's published (or a pinned) saved version, resolved
// through a short-lived in-process cache so the hot path of other systems does not wait on the
// database for every request (issue 5: execute must not bottleneck on the database).
// Versions are immutable, so a cached version is never wrong; what can change is which version is
// live (publish, deployments.ts) and whether the rule is archived. Every write in this process (rules.ts, versions.ts)
// clears the cache at once; other app processes see a change within RULEBOX_RULE_CACHE_MS.
import { LRUCache } from "lru-cache";
import { z } from "zod";
import { getRule } from "./rules";
import { getRuleVersion, type VersionDetail } from "./versions";
import { processGlobal } from "../process-global";

/** A rule's saved version, as execute needs it. */
export interface Executable {
  ruleId: string;
  archived: boolean;
  /** The live version; null when the rule was never published. */
  publishedVersion: number | null;
  /** null: the rule exists but has no such version (unpinned: none is published). */
  version: VersionDetail | null;
}

const MAX_ENTRIES = 10_000;
const envSchema = z.object({
  RULEBOX_RULE_CACHE_MS: z.coerce.number().int().min(0).max(60_000).default(1_000),
});

interface CacheState {
  ttlMs: number;
  /** Bumped by every write: a lookup that started before a write is not cached. */
  generation: number;
  /** Lookups by `ruleId@version|live`, each kept RULEBOX_RULE_CACHE_MS (lru-cache's own TTL). */
  entries: LRUCache<string, Promise<Executable | null>>;
}

// On globalThis: Next.js bundles each route separately, and a save in one route must clear the
// cache the execute route reads.
function state(): CacheState {
  return processGlobal<CacheState>("executableCache", () => {
    const env = envSchema.safeParse(process.env);
    if (!env.success) throw new Error(`Invalid RULEBOX_RULE_CACHE_MS: ${env.error.issues.map((i) => i.message).join("; ")}`);
    const ttlMs = env.data.RULEBOX_RULE_CACHE_MS;
    // ttl 0 means "never expires" to lru-cache; with 0 the cache is not used at all (getExecutable).
    return { ttlMs, generation: 0, entries: new LRUCache({ max: MAX_ENTRIES, ttl: Math.max(1, ttlMs) }) };
  });
}

async function load(ruleId: string, pinned: number | undefined): Promise<Executable | null> {
  const rule = await getRule(ruleId);
  if (!rule) return null;
  const base = { ruleId, archived: rule.archived, publishedVersion: rule.publishedVersion };
  const number = pinned ?? rule.publishedVersion;
  if (number === null) return { ...base, version: null };
  if (rule.latestVersion?.number === number) return { ...base, version: rule.latestVersion };
  return { ...base, version: await getRuleVersion(ruleId, number) };
}

/**
 * The rule and the version to execute (`version` absent: the published one), or null for an unknown rule.
 * Concurrent lookups of the same key share one database round trip; unknown rules are not cached.
 */
export function getExecutable(ruleId: string, version?: number): Promise<Executable | null> {
  const cache = state();
  if (cache.ttlMs === 0) return load(ruleId, version);
  const key = `${ruleId}@${version ?? "live"}`;
  const hit = cache.entries.get(key);
  if (hit) return hit;

  const generation = cache.generation;
  const value = load(ruleId, version);
  cache.entries.set(key, value);
  const forget = () => {
    if (cache.entries.peek(key) === value) cache.entries.delete(key);
  };
  value.then((found) => {
    if (found === null || cache.generation !== generation) forget();
  }, forget);
  return value;
}

/** Called by every write to rules and versions in this process. */
export function invalidateExecutables(): void {
  const cache = state();
  cache.generation += 1;
  cache.entries.clear();
}
