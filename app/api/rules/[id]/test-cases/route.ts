import { actorOf, recordAudit } from "@/server/db/audit";
import { createTestCase, listTestCases } from "@/server/db/test-cases";
import { isUniqueViolation } from "@/server/db/errors";
import { conflict } from "@/server/http/errors";
import { defineRoute, json, MAX_INPUT_BYTES } from "@/server/http/handler";
import { createTestCaseBodySchema, ruleParamsSchema } from "@/server/http/contracts";

// GET /api/rules/:id/test-cases — a rule's saved inputs and expectations
export const GET = defineRoute({ access: "viewer", params: ruleParamsSchema }, async ({ params }) => {
  return json({ testCases: await listTestCases(params.id) });
});

// POST /api/rules/:id/test-cases — add a test case (names are unique per rule)
export const POST = defineRoute(
  { access: "author", params: ruleParamsSchema, body: createTestCaseBodySchema, fieldLimits: { input: MAX_INPUT_BYTES, expectedOutput: MAX_INPUT_BYTES } },
  async ({ params, body, user, client }) => {
    try {
      const testCase = await createTestCase(params.id, body);
      await recordAudit(actorOf(user), client.ip, { action: "test_case.create", targetType: "test_case", targetId: testCase.id, ruleId: params.id, summary: `added test case "${testCase.name}"` });
      return json({ testCase }, 201);
    } catch (err) {
      if (isUniqueViolation(err)) throw conflict(`a test case named "${body.name}" already exists for this rule`);
      throw err;
    }
  },
);
