import "server-only";
import { z } from "zod";
import { getDb, writeTransaction } from "./client";
import { EntityNotFoundError } from "./errors";
import { parseJsonColumn, toJsonText } from "./json";

/** A saved input for a rule, with an optional expected output. */
export interface TestCase {
  id: string;
  name: string;
  input: unknown;
  /** Absent when the case has no expectation (a stored JSON null is a real expectation). */
  expectedOutput?: unknown;
  createdAt: Date;
  updatedAt: Date;
}

type TestCaseRow = { id: string; name: string; inputJson: string; expectedOutputJson: string | null; createdAt: Date; updatedAt: Date };

const jsonValue = z.unknown();

function toTestCase(row: TestCaseRow): TestCase {
  return {
    id: row.id,
    name: row.name,
    input: parseJsonColumn(row.inputJson, jsonValue, "TestCase.inputJson"),
    ...(row.expectedOutputJson === null ? {} : { expectedOutput: parseJsonColumn(row.expectedOutputJson, jsonValue, "TestCase.expectedOutputJson") }),
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

async function assertRuleExists(ruleId: string): Promise<void> {
  const db = await getDb();
  if (!(await db.rule.findUnique({ where: { id: ruleId }, select: { id: true } }))) throw new EntityNotFoundError("rule", ruleId);
}

/** A rule's test cases, oldest first (the order they were written in). */
export async function listTestCases(ruleId: string): Promise<TestCase[]> {
  await assertRuleExists(ruleId);
  const db = await getDb();
  const rows = await db.testCase.findMany({ where: { ruleId }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
  return rows.map(toTestCase);
}

/** Adds a test case; a duplicate name within the rule is a unique violation (HTTP 409). */
export async function createTestCase(ruleId: string, data: { name: string; input: unknown; expectedOutput?: unknown }): Promise<TestCase> {
  return writeTransaction(async (tx) => {
    if (!(await tx.rule.findUnique({ where: { id: ruleId }, select: { id: true } }))) throw new EntityNotFoundError("rule", ruleId);
    const row = await tx.testCase.create({
      data: {
        ruleId,
        name: data.name,
        inputJson: toJsonText(data.input),
        expectedOutputJson: data.expectedOutput === undefined ? null : toJsonText(data.expectedOutput),
      },
    });
    return toTestCase(row);
  });
}

/**
 * Changes a test case. `expectedOutput` sets the expectation (null included);
 * `clearExpectedOutput` removes it.
 */
export async function updateTestCase(
  ruleId: string,
  caseId: string,
  patch: { name?: string; input?: unknown; expectedOutput?: unknown; clearExpectedOutput?: boolean },
): Promise<TestCase> {
  return writeTransaction(async (tx) => {
    const existing = await tx.testCase.findFirst({ where: { id: caseId, ruleId }, select: { id: true } });
    if (!existing) throw new EntityNotFoundError("test case", caseId);
    const row = await tx.testCase.update({
      where: { id: caseId },
      data: {
        ...(patch.name === undefined ? {} : { name: patch.name }),
        ...(patch.input === undefined ? {} : { inputJson: toJsonText(patch.input) }),
        ...(patch.clearExpectedOutput ? { expectedOutputJson: null } : {}),
        ...(patch.expectedOutput === undefined ? {} : { expectedOutputJson: toJsonText(patch.expectedOutput) }),
      },
    });
    return toTestCase(row);
  });
}

/** Deletes a test case (test cases are working material, unlike versions and runs). */
export async function deleteTestCase(ruleId: string, caseId: string): Promise<void> {
  await writeTransaction(async (tx) => {
    const existing = await tx.testCase.findFirst({ where: { id: caseId, ruleId }, select: { id: true } });
    if (!existing) throw new EntityNotFoundError("test case", caseId);
    await tx.testCase.delete({ where: { id: caseId } });
  });
}
