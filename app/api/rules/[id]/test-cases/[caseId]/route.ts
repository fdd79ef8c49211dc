import { actorOf, recordAudit } from "@/server/db/audit";
import { deleteTestCase, updateTestCase } from "@/server/db/test-cases";
import { isUniqueViolation } from "@/server/db/errors";
import { conflict } from "@/server/http/errors";
import { defineRoute, json, MAX_INPUT_BYTES } from "@/server/http/handler";
import { testCaseParamsSchema, updateTestCaseBodySchema } from "@/server/http/contracts";

// PATCH /api/rules/:id/test-cases/:caseId — rename or change input/expectation
export const PATCH = defineRoute(
  { access: "author", params: testCaseParamsSchema, body: updateTestCaseBodySchema, fieldLimits: { input: MAX_INPUT_BYTES, expectedOutput: MAX_INPUT_BYTES } },
  async ({ params, body, user, client }) => {
    try {
      const testCase = await updateTestCase(params.id, params.caseId, body);
      const changed = Object.keys(body).join(", ");
      await recordAudit(actorOf(user), client.ip, { action: "test_case.update", targetType: "test_case", targetId: testCase.id, ruleId: params.id, summary: `changed test case "${testCase.name}" (${changed || "nothing"})` });
      return json({ testCase });
    } catch (err) {
      if (isUniqueViolation(err)) throw conflict(`a test case named "${body.name ?? ""}" already exists for this rule`);
      throw err;
    }
  },
);

// DELETE /api/rules/:id/test-cases/:caseId — remove a test case
export const DELETE = defineRoute({ access: "author", params: testCaseParamsSchema }, async ({ params, user, client }) => {
  await deleteTestCase(params.id, params.caseId);
  await recordAudit(actorOf(user), client.ip, { action: "test_case.delete", targetType: "test_case", targetId: params.caseId, ruleId: params.id, summary: `deleted test case ${params.caseId}` });
  return json({ deleted: true });
});
