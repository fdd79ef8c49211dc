import "server-only";
import type { Language } from "@/server/contracts/run";

const JS_STARTER = `// A rule is a function of a JSON input. ctx.log(...) is captured; ctx.now is the run's fixed clock.
export default function rule(input, ctx) {
  ctx.log("received", input);
  return { ok: true };
}
`;

const TS_STARTER = `// A rule is a function of a JSON input. ctx.log(...) is captured; ctx.now is the run's fixed clock.
interface Input {
  [key: string]: unknown;
}

export default function rule(input: Input, ctx: { log: (...values: unknown[]) => void }) {
  ctx.log("received", input);
  return { ok: true };
}
`;

/** Source of version 1 for a rule created without one. */
export function starterSource(language: Language): string {
  return language === "typescript" ? TS_STARTER : JS_STARTER;
}
