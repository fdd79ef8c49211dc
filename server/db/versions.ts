import "server-only";
import { languageSchema, limitsSchema, type Language, type Limits } from "@/server/contracts/run";
import { getDb, writeTransaction, type DbTx } from "./client";
import { EntityNotFoundError, isUniqueViolation, StateConflictError } from "./errors";
import { hashSource } from "./hash";
import { parseJsonColumn, toJsonText } from "./json";
import { invalidateExecutables } from "./executable";

// Versions are immutable: this module deliberately has no update or delete path.

/** A version as listed (no source). */
export interface VersionSummary {
  number: number;
  message: string;
  sha256: string;
  language: Language;
  limits: Limits;
  /** Email of the person who saved it (null before accounts). */
  author: string | null;
  createdAt: Date;
}

/** A version with its source. */
export interface VersionDetail extends VersionSummary {
  source: string;
}

/** What a new version is made of; `limits` are already resolved against the server caps. */
export interface NewVersion {
  source: string;
  language: Language;
  message: string;
  limits: Limits;
  /** Email of the person saving it. */
  author?: string | null;
}

type VersionRow = { number: number; message: string; sha256: string; language: string; limits: string; author: string | null; createdAt: Date; source?: string };

function toSummary(row: VersionRow): VersionSummary {
  return {
    number: row.number,
    message: row.message,
    sha256: row.sha256,
    language: parseLanguage(row.language),
    limits: parseJsonColumn(row.limits, limitsSchema, "RuleVersion.limits"),
    author: row.author,
    createdAt: row.createdAt,
  };
}

/** Maps a stored row to a VersionDetail (validates its JSON columns). */
export function toVersionDetail(row: VersionRow & { source: string }): VersionDetail {
  return { ...toSummary(row), source: row.source };
}

function parseLanguage(value: string): Language {
  return languageSchema.parse(value);
}

const SAVE_ATTEMPTS = 5;

/**
 * Appends version max+1 to a rule inside `tx`. Numbering is race-free within one process (writes are
 * serialised, see withWriteLock); across processes the (ruleId, number) unique index rejects a
 * duplicate and saveRuleVersion retries, so numbers never repeat or skip.
 */
export async function insertNextVersion(tx: DbTx, ruleId: string, version: NewVersion): Promise<VersionDetail> {
  const last = await tx.ruleVersion.findFirst({ where: { ruleId }, orderBy: { number: "desc" }, select: { number: true } });
  const row = await tx.ruleVersion.create({
    data: {
      ruleId,
      number: (last?.number ?? 0) + 1,
      source: version.source,
      language: version.language,
      message: version.message,
      sha256: hashSource(version.source),
      limits: toJsonText(version.limits),
      author: version.author ?? null,
    },
  });
  return toVersionDetail(row);
}

/**
 * Saves a new version of an existing, unarchived rule, transactionally.
 * @throws EntityNotFoundError for an unknown rule, StateConflictError for an archived one.
 */
export async function saveRuleVersion(ruleId: string, version: NewVersion): Promise<VersionDetail> {
  for (let attempt = 1; ; attempt++) {
    try {
      const saved = await writeTransaction(async (tx) => {
        const rule = await tx.rule.findUnique({ where: { id: ruleId }, select: { archivedAt: true } });
        if (!rule) throw new EntityNotFoundError("rule", ruleId);
        if (rule.archivedAt) throw new StateConflictError("rule is archived; restore it before saving a version");
        const saved = await insertNextVersion(tx, ruleId, version);
        await tx.rule.update({ where: { id: ruleId }, data: { updatedAt: new Date() } });
        return saved;
      });
      invalidateExecutables();
      return saved;
    } catch (err) {
      if (attempt < SAVE_ATTEMPTS && isUniqueViolation(err)) continue;
      throw err;
    }
  }
}

/** All versions of a rule, newest first. */
export async function listRuleVersions(ruleId: string): Promise<VersionSummary[]> {
  const db = await getDb();
  const rows = await db.ruleVersion.findMany({
    where: { ruleId },
    orderBy: { number: "desc" },
    select: { number: true, message: true, sha256: true, language: true, limits: true, author: true, createdAt: true },
  });
  return rows.map(toSummary);
}

/** One version with its source, or null. */
export async function getRuleVersion(ruleId: string, number: number): Promise<VersionDetail | null> {
  const db = await getDb();
  const row = await db.ruleVersion.findUnique({ where: { ruleId_number: { ruleId, number } } });
  return row ? toVersionDetail(row) : null;
}

/** The newest version of a rule, or null when it has none. */
export async function getLatestRuleVersion(ruleId: string): Promise<VersionDetail | null> {
  const db = await getDb();
  const row = await db.ruleVersion.findFirst({ where: { ruleId }, orderBy: { number: "desc" } });
  return row ? toVersionDetail(row) : null;
}
