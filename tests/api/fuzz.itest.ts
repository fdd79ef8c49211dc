// Property: no body, query or path a client can send makes any API route answer 5xx or crash it.
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { baseUrl, call, createRule, get, testApiKey } from "../harness/api";

let ruleId = "";
let caseId = "";
let auth: Record<string, string> = {};

beforeAll(async () => {
  // With a valid key, fuzzed execute bodies reach validation instead of stopping at the 401.
  auth = { authorization: `Bearer ${await testApiKey()}` };
  ruleId = await createRule({ source: "export default (input) => ({ echo: input })", sampleInput: { a: 1 } });
  caseId = (await get(`/api/rules/${ruleId}/test-cases`)).body.testCases[0].id;
});

const ROUTES: [string, string][] = [
  ["POST", "/api/rules"],
  ["PATCH", "/api/rules/:rule"],
  ["POST", "/api/rules/:rule/versions"],
  ["POST", "/api/rules/:rule/test-cases"],
  ["PATCH", "/api/rules/:rule/test-cases/:case"],
  ["POST", "/api/rules/:rule/execute"],
  ["POST", "/api/rules/:rule/execute/batch"],
  ["POST", "/api/run"],
  ["POST", "/api/analyze"],
  ["POST", "/api/keys"],
];
const fill = (template: string) => template.replace(":rule", ruleId).replace(":case", caseId);

// Any code point, NUL and lone surrogates included: what a hostile client can put in JSON.
const text = fc.string({ unit: "binary", maxLength: 40 });

// Bodies shaped like the real ones with random values, arbitrary JSON, and text that is not JSON.
const plausibleBody = fc.record(
  {
    name: fc.oneof(text, fc.integer(), fc.constant("")),
    description: text,
    source: fc.oneof(fc.constant("export default (i) => i"), text),
    language: fc.oneof(fc.constantFrom("javascript", "typescript"), text),
    message: text,
    input: fc.jsonValue(),
    inputs: fc.oneof(fc.array(fc.jsonValue(), { maxLength: 5 }), fc.jsonValue()),
    expectedOutput: fc.jsonValue(),
    limits: fc.oneof(fc.record({ timeoutMs: fc.integer(), memoryMb: fc.integer() }, { requiredKeys: [] }), fc.jsonValue()),
    version: fc.oneof(fc.integer(), text),
    ruleId: text,
  },
  { requiredKeys: [] },
);
const anyBody = fc.oneof(
  plausibleBody.map((b) => JSON.stringify(b)),
  fc.jsonValue().map((v) => JSON.stringify(v)),
  text,
  fc.constant("{"),
);

describe("fuzzed requests never get a 5xx", () => {
  it.each(ROUTES)("%s %s", async (method, template) => {
    await fc.assert(
      fc.asyncProperty(anyBody, async (body) => {
        const res = await call(method, fill(template), body, auth);
        expect(res.status, `${method} ${template} ${body.slice(0, 200)}`).toBeLessThan(500);
        expect(res.body).toBeTypeOf("object");
      }),
      { numRuns: 60 },
    );
  });

  it("random credentials on execute: always the 401 envelope", async () => {
    const token = fc.oneof(fc.string({ unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 60 }), fc.constant("rbx_" + "A".repeat(43)));
    const header = fc.oneof(
      token.map((t) => ({ authorization: `Bearer ${t}` })),
      token.map((t) => ({ "x-api-key": t })),
      token.map((t) => ({ authorization: t })),
    );
    await fc.assert(
      fc.asyncProperty(header, async (headers) => {
        const res = await call("POST", `/api/rules/${ruleId}/execute`, { input: 1 }, headers);
        expect({ status: res.status, code: res.body?.error?.code }, JSON.stringify(headers)).toEqual({ status: 401, code: "unauthorized" });
      }),
      { numRuns: 60 },
    );
  });

  it("random path segments and query strings", async () => {
    const segment = fc.string({ unit: "binary", minLength: 1, maxLength: 80 }).map((s) => encodeURIComponent(s.replace(/[\uD800-\uDFFF]/g, "x")));
    const query = fc.dictionary(fc.string({ maxLength: 12 }), text, { maxKeys: 4 }).map((d) => new URLSearchParams(d).toString());
    await fc.assert(
      fc.asyncProperty(segment, query, fc.constantFrom("rules", "rules/%s", "rules/%s/versions/%s", "rules/%s/runs", "runs/%s", "rules/%s/test-cases"), async (seg, q, shape) => {
        const path = `/api/${shape.replaceAll("%s", seg)}?${q}`;
        const res = await fetch(`${baseUrl()}${path}`);
        expect(res.status, path).toBeLessThan(500);
        await res.arrayBuffer();
      }),
      { numRuns: 100 },
    );
  });
});
