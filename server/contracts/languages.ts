// Which rule languages this server runs. JavaScript and TypeScript always; Python only when the
// operator turns it on with RULEBOX_PYTHON_RULES=on. Off by default, and deliberately: Python's
// sandbox has layers of its own (docs/security.md "Python rules"), and each of seven adversarial
// passes on 2026-12-08 got past its guards (every hole fixed and pinned by a test since, but the
// rate says more are likely). Isolation per run comes before the feature: an operator opts in,
// knowing what an unknown escape would reach.
// Read by the app (routes, runRule, pages), and by the executor child (it refuses Python runs on
// its own when off). No "server-only": the executor bundle imports it too.
import { z } from "zod";
import type { Language } from "./run";

const languagesEnvSchema = z.object({
  RULEBOX_PYTHON_RULES: z.enum(["on", "off"], { message: 'RULEBOX_PYTHON_RULES must be "on" or "off"' }).default("off"),
});

/** Whether Python rules may be created, saved and run here; throws a readable error for a bad setting. */
export function pythonRulesEnabled(env: Record<string, string | undefined> = process.env): boolean {
  const parsed = languagesEnvSchema.safeParse({ RULEBOX_PYTHON_RULES: env.RULEBOX_PYTHON_RULES || undefined });
  if (!parsed.success) throw new Error(`${parsed.error.issues[0]?.message ?? "invalid RULEBOX_PYTHON_RULES"}, got "${env.RULEBOX_PYTHON_RULES}"`);
  return parsed.data.RULEBOX_PYTHON_RULES === "on";
}

/** The languages this server accepts, in the order the IDE offers them. */
export function enabledLanguages(env: Record<string, string | undefined> = process.env): Language[] {
  return pythonRulesEnabled(env) ? ["typescript", "javascript", "python"] : ["typescript", "javascript"];
}

export const PYTHON_OFF_MESSAGE =
  'Python rules are turned off on this server; an operator turns them on with RULEBOX_PYTHON_RULES=on (off by default: docs/security.md "Python rules" says what turning them on accepts)';

/** A run of a language this server does not run (HTTP 409, reason `language_disabled`). */
export class LanguageDisabledError extends Error {
  constructor(readonly language: Language) {
    super(PYTHON_OFF_MESSAGE);
    this.name = "LanguageDisabledError";
  }
}

/** Throws LanguageDisabledError unless `language` runs here. */
export function checkLanguageEnabled(language: Language, env: Record<string, string | undefined> = process.env): void {
  if (language === "python" && !pythonRulesEnabled(env)) throw new LanguageDisabledError(language);
}
