// Version 1 of a rule created without a source (from the UI, or POST /api/rules without `source`). The parameter types are the editor's globals:
// RuleInput (derived from the selected test input) and RuleContext, so `input.` completes at once.
import type { Language } from "@/server/contracts/run";

const TS_STARTER = `// input is typed from the selected test input; ctx.log(...) is captured with the run.
export default function rule(input: RuleInput, ctx: RuleContext) {
  ctx.log("received", input);
  return { ok: true };
}
`;

const JS_STARTER = `/**
 * @param {RuleInput} input typed from the selected test input
 * @param {RuleContext} ctx ctx.log(...) is captured; ctx.now is the run's fixed clock
 */
export default function rule(input, ctx) {
  ctx.log("received", input);
  return { ok: true };
}
`;

const PY_STARTER = `def rule(input, ctx):
    """input is the test input (JSON as dicts and lists); ctx.log(...) and print(...) are captured."""
    ctx.log("received", input)
    return {"ok": True}
`;

/** Source of version 1 for a rule created without one. */
export function starterSource(language: Language): string {
  if (language === "python") return PY_STARTER;
  return language === "typescript" ? TS_STARTER : JS_STARTER;
}

/** The sample input the UI creates beside the starter, so `input.` completes real fields. */
export const STARTER_SAMPLE_INPUT = { amount: 120, country: "DE" };
