import "server-only";
// Which version of a rule is live, and how it got there. A rule's live (published) version is a
// pointer on the rule, moved only here; every move is a Deployment row (append-only: there is no
// update or delete path). Rolling back is publishing an earlier version.
//
// Moves are serialised by a compare-and-set on the pointer: the update applies only while the
// pointer still holds the version this publish read, so two concurrent publishes (in this process
// or across app instances on PostgreSQL) each record the true "from", and neither is lost.
import { getDb, writeTransaction } from "./client";
import { EntityNotFoundError, StateConflictError } from "./errors";
import { invalidateExecutables } from "./executable";

/** One move of a rule's live version. */
export interface DeploymentRecord {
  id: string;
  ruleId: string;
  fromVersion: number | null;
  toVersion: number;
  message: string;
  actor: string | null;
  createdAt: Date;
}

/** A publish lost the race this many times in a row: the pointer is being moved faster than that. */
const PUBLISH_ATTEMPTS = 5;

/**
 * Makes `version` the rule's live version and records the move.
 * @throws EntityNotFoundError for an unknown rule or version.
 * @throws StateConflictError when the rule is archived or `version` is already live.
 */
export async function publishVersion(ruleId: string, version: number, options: { message: string; actor?: string | null }): Promise<DeploymentRecord> {
  for (let attempt = 1; ; attempt++) {
    const published = await writeTransaction(async (tx) => {
      const rule = await tx.rule.findUnique({ where: { id: ruleId }, select: { archivedAt: true, publishedVersion: true } });
      if (!rule) throw new EntityNotFoundError("rule", ruleId);
      if (rule.archivedAt) throw new StateConflictError(`rule ${ruleId} is archived; restore it before publishing`);
      const target = await tx.ruleVersion.findUnique({ where: { ruleId_number: { ruleId, number: version } }, select: { number: true } });
      if (!target) throw new EntityNotFoundError("version", `${version} of rule ${ruleId}`);
      if (rule.publishedVersion === version) throw new StateConflictError(`version ${version} of rule ${ruleId} is already live`);
      const moved = await tx.rule.updateMany({ where: { id: ruleId, publishedVersion: rule.publishedVersion }, data: { publishedVersion: version } });
      if (moved.count !== 1) return null;
      return tx.deployment.create({
        data: { ruleId, fromVersion: rule.publishedVersion, toVersion: version, message: options.message, actor: options.actor ?? null },
      });
    });
    if (published) {
      invalidateExecutables();
      return published;
    }
    if (attempt >= PUBLISH_ATTEMPTS) throw new StateConflictError(`rule ${ruleId} is being published by someone else right now; try again`);
  }
}

/** The rule's deployments, newest first (at most `limit`). */
export async function listDeployments(ruleId: string, limit = 200): Promise<DeploymentRecord[]> {
  const db = await getDb();
  return db.deployment.findMany({ where: { ruleId }, orderBy: [{ createdAt: "desc" }, { id: "desc" }], take: limit });
}
