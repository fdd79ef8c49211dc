import "server-only";
import { languageSchema, limitsInputSchema, type Language, type Limits, type LimitsInput } from "@/server/contracts/run";
import { getDb, getDialect, writeTransaction } from "./client";
import { EntityNotFoundError } from "./errors";
import { parseJsonColumn, toJsonText } from "./json";
import { invalidateExecutables } from "./executable";
import { insertNextVersion, toVersionDetail, type VersionDetail } from "./versions";

/** A rule as listed. */
export interface RuleSummary {
  id: string;
  name: string;
  description: string;
  archived: boolean;
  latestVersion: number | null;
  /** The live version (what /execute runs unless pinned); null when never published. */
  publishedVersion: number | null;
  language: Language | null;
  createdAt: Date;
  updatedAt: Date;
}

/** A rule with its limits and newest version. */
export interface RuleDetail {
  id: string;
  name: string;
  description: string;
  archived: boolean;
  limits: LimitsInput;
  createdAt: Date;
  updatedAt: Date;
  latestVersion: VersionDetail | null;
  /** The live version (what /execute runs unless pinned); null when never published. */
  publishedVersion: number | null;
}

/** A new rule, its first version and optionally a sample test case, created atomically. */
export interface NewRule {
  name: string;
  description: string;
  limits: LimitsInput;
  firstVersion: { source: string; language: Language; message: string; limits: Limits; author?: string | null };
  sampleTestCase?: { name: string; input: unknown; expectedOutput?: unknown };
}

const latestVersionInclude = { versions: { orderBy: { number: "desc" as const }, take: 1 } };

type RuleRow = { id: string; name: string; description: string; limits: string; publishedVersion: number | null; archivedAt: Date | null; createdAt: Date; updatedAt: Date };

function toDetail(row: RuleRow & { versions: Parameters<typeof toVersionDetail>[0][] }): RuleDetail {
  const latest = row.versions[0];
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    archived: row.archivedAt !== null,
    limits: parseJsonColumn(row.limits, limitsInputSchema, "Rule.limits"),
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    latestVersion: latest ? toVersionDetail(latest) : null,
    publishedVersion: row.publishedVersion,
  };
}

// Case-insensitive substring match: SQLite's LIKE already ignores ASCII case, PostgreSQL needs `mode`
// (absent from the SQLite client's types, hence the cast).
function containsText(value: string): { contains: string } {
  return (getDialect() === "postgresql" ? { contains: value, mode: "insensitive" } : { contains: value }) as { contains: string };
}

/** Rules ordered by name; `q` matches name or description, archived ones only when asked. */
export async function listRules(options: { q?: string; includeArchived?: boolean } = {}): Promise<RuleSummary[]> {
  const db = await getDb();
  const q = options.q?.trim();
  const rows = await db.rule.findMany({
    where: {
      ...(options.includeArchived ? {} : { archivedAt: null }),
      ...(q ? { OR: [{ name: containsText(q) }, { description: containsText(q) }] } : {}),
    },
    orderBy: { name: "asc" },
    include: { versions: { orderBy: { number: "desc" }, take: 1, select: { number: true, language: true } } },
  });
  // LIKE treats % and _ in q as wildcards (Prisma does not escape them on SQLite): the database
  // narrows, this keeps only real substring matches.
  const needle = q?.toLowerCase();
  const matching = needle ? rows.filter((row) => row.name.toLowerCase().includes(needle) || row.description.toLowerCase().includes(needle)) : rows;
  return matching.map((row) => {
    const latest = row.versions[0];
    return {
      id: row.id,
      name: row.name,
      description: row.description,
      archived: row.archivedAt !== null,
      latestVersion: latest?.number ?? null,
      publishedVersion: row.publishedVersion,
      language: latest ? languageSchema.parse(latest.language) : null,
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
    };
  });
}

/** One rule with its newest version, or null. */
export async function getRule(id: string): Promise<RuleDetail | null> {
  const db = await getDb();
  const row = await db.rule.findUnique({ where: { id }, include: latestVersionInclude });
  return row ? toDetail(row) : null;
}

/** The rule with this exact name, or null. */
export async function findRuleByName(name: string): Promise<RuleDetail | null> {
  const db = await getDb();
  const row = await db.rule.findUnique({ where: { name }, include: latestVersionInclude });
  return row ? toDetail(row) : null;
}

/**
 * Creates a rule with version 1 (and a sample test case) in one transaction.
 * A duplicate name surfaces as Prisma's unique violation (HTTP 409).
 */
export async function createRule(rule: NewRule): Promise<RuleDetail> {
  const id = await writeTransaction(async (tx) => {
    const created = await tx.rule.create({ data: { name: rule.name, description: rule.description, limits: toJsonText(rule.limits) } });
    await insertNextVersion(tx, created.id, rule.firstVersion);
    if (rule.sampleTestCase) {
      const { name, input, expectedOutput } = rule.sampleTestCase;
      await tx.testCase.create({
        data: { ruleId: created.id, name, inputJson: toJsonText(input), expectedOutputJson: expectedOutput === undefined ? null : toJsonText(expectedOutput) },
      });
    }
    return created.id;
  });
  invalidateExecutables();
  return requireRule(id);
}

/** Renames a rule, or changes its description or limits. */
export async function updateRule(id: string, patch: { name?: string; description?: string; limits?: LimitsInput }): Promise<RuleDetail> {
  await writeTransaction(async (tx) => {
    const existing = await tx.rule.findUnique({ where: { id }, select: { id: true } });
    if (!existing) throw new EntityNotFoundError("rule", id);
    await tx.rule.update({
      where: { id },
      data: {
        ...(patch.name === undefined ? {} : { name: patch.name }),
        ...(patch.description === undefined ? {} : { description: patch.description }),
        ...(patch.limits === undefined ? {} : { limits: toJsonText(patch.limits) }),
      },
    });
  });
  invalidateExecutables();
  return requireRule(id);
}

/** Archives (never deletes) a rule: it leaves the default list, its versions and runs stay. */
export async function archiveRule(id: string): Promise<RuleDetail> {
  return setArchived(id, true);
}

/** Brings an archived rule back. */
export async function restoreRule(id: string): Promise<RuleDetail> {
  return setArchived(id, false);
}

async function setArchived(id: string, archived: boolean): Promise<RuleDetail> {
  await writeTransaction(async (tx) => {
    const existing = await tx.rule.findUnique({ where: { id }, select: { archivedAt: true } });
    if (!existing) throw new EntityNotFoundError("rule", id);
    if ((existing.archivedAt !== null) === archived) return;
    await tx.rule.update({ where: { id }, data: { archivedAt: archived ? new Date() : null } });
  });
  invalidateExecutables();
  return requireRule(id);
}

/** getRule that throws EntityNotFoundError instead of returning null. */
export async function requireRule(id: string): Promise<RuleDetail> {
  const rule = await getRule(id);
  if (!rule) throw new EntityNotFoundError("rule", id);
  return rule;
}

/** Whether the database holds no rule at all, archived ones included (first start). */
export async function hasNoRules(): Promise<boolean> {
  const db = await getDb();
  return (await db.rule.count()) === 0;
}
