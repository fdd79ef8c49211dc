import { deleteTestCase, updateTestCase } from "@/server/db/test-cases";
import { isUniqueViolation } from "@/server/db/errors";
import { conflict } from "@/server/http/errors";
import { defineRoute, json, MAX_INPUT_BYTES } from "@/server/http/handler";
import { testCaseParamsSchema, updateTestCaseBodySchema } from "@/server/http/contracts";

// PATCH /api/rules/:id/test-cases/:caseId — rename or change input/expectation
export const PATCH = defineRoute(
  { params: testCaseParamsSchema, body: updateTestCaseBodySchema, fieldLimits: { input: MAX_INPUT_BYTES, expectedOutput: MAX_INPUT_BYTES } },
  async ({ params, body }) => {
    try {
      return json({ testCase: await updateTestCase(params.id, params.caseId, body) });
    } catch (err) {
      if (isUniqueViolation(err)) throw conflict(`a test case named "${body.name ?? ""}" already exists for this rule`);
      throw err;
    }
  },
);

// DELETE /api/rules/:id/test-cases/:caseId — remove a test case
export const DELETE = defineRoute({ params: testCaseParamsSchema }, async ({ params }) => {
  await deleteTestCase(params.id, params.caseId);
  return json({ deleted: true });
});
