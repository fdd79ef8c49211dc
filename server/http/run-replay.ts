import "server-only";
// Exact replay of one recorded run (issue 10): the code that ran, with the input and the clock it
// was recorded with, through the executor again, and whether it answers the same. The executor pins
// Date.now(), new Date(), dayjs(), _.now() and ctx.now to the run's clock (server/executor/worker.ts),
// so a rule that reads only its input and the time replays identically; what the clock does not pin
// (Math.random and the library functions built on it) is named in a hint. Goes through the same
// executor path as the what-if replay (replay.ts) and, like it, is never recorded as a run.
import type { Outcome } from "@/server/contracts/run";
import { getRule } from "@/server/db/rules";
import { flushApiRuns, getRun, type RunDetail } from "@/server/db/runs";
import { getRuleVersion } from "@/server/db/versions";
import { resolveLimits, ruleCulprit } from "@/server/executor";
import { AppError, notFound } from "./errors";
import { clampToCaps } from "./execute";
import { diffPaths, runSide, sameAnswer, sideResult, type Side, type SideResult } from "./replay";

/** What POST /api/runs/:id/replay answers. */
export interface RunReplay {
  run: { id: string; version: number | null; outcome: Outcome; output?: unknown; error?: { name: string; message: string } };
  replay: SideResult;
  identical: boolean;
  /** Paths where the outputs differ (`$` is the whole output), when both runs ended ok. */
  differences: { path: string; recorded: unknown; replayed: unknown }[];
  /** Why the replay may not match: randomness in the source, limits, the static policy. */
  hint?: string;
}

function notReplayable(runId: string, why: string): AppError {
  return new AppError("conflict", `run ${runId} cannot be replayed exactly: ${why}`, { reason: "not_replayable" });
}

/**
 * The code a recorded run ran. Editor runs keep their source (it may differ from the version it
 * was edited from, which only ctx.version shows) and ran with the rule's limits, as the editor
 * sends them; execute runs name their saved version and ran with its limits within the caps.
 */
async function sideOf(run: RunDetail): Promise<{ ruleId: string; side: Side }> {
  if (run.ruleId === null) throw notReplayable(run.id, "it is not tied to a rule");
  const ruleId = run.ruleId;
  if (run.source !== undefined) {
    const rule = await getRule(ruleId);
    if (!rule) throw notReplayable(run.id, `its rule ${ruleId} no longer exists`);
    const side: Side = { source: run.source, language: run.language, limits: resolveLimits({ ...rule.limits }), ...(run.version === null ? {} : { version: run.version }) };
    return { ruleId, side };
  }
  if (run.version === null) throw notReplayable(run.id, "it was recorded with neither its source nor a saved version");
  const version = await getRuleVersion(ruleId, run.version);
  if (!version) throw notReplayable(run.id, `version ${run.version} of rule ${ruleId} no longer exists`);
  return { ruleId, side: { source: version.source, language: version.language, limits: clampToCaps(version.limits), version: version.number, culprit: ruleCulprit(ruleId) } };
}

/**
 * Runs a recorded run again exactly (see file header) and compares the answers.
 * @throws AppError 404 (unknown run), 409 (the run does not say what code ran).
 */
export async function replayRun(runId: string): Promise<RunReplay> {
  // Read-your-writes for the batched execute path, as GET /api/runs/:id.
  await flushApiRuns();
  const run = await getRun(runId);
  if (!run) throw notFound(`run ${runId} not found`);
  const { ruleId, side } = await sideOf(run);
  const replay = sideResult(await runSide(side, ruleId, run.input, run.clock));
  const answer = {
    outcome: run.outcome,
    ...(run.output !== undefined ? { output: run.output } : {}),
    ...(run.error ? { error: { name: run.error.name, message: run.error.message } } : {}),
  };
  const recorded: SideResult = { ...answer, durationMs: run.durationMs };
  const identical = sameAnswer(recorded, replay);
  const differences = !identical && recorded.outcome === "ok" && replay.outcome === "ok" ? diffPaths(recorded.output, replay.output).map((d) => ({ path: d.path, recorded: d.live, replayed: d.candidate })) : [];
  const hint = replayHint({ source: side.source, identical, recorded: recorded.outcome, replayed: replay.outcome, fromEditor: run.source !== undefined });
  return {
    run: { id: run.id, version: run.version, ...answer },
    replay,
    identical,
    differences,
    ...(hint ? { hint } : {}),
  };
}

const LIMIT_OUTCOMES: readonly Outcome[] = ["timeout", "memory", "crashed", "output_limit"];

function replayHint(at: { source: string; identical: boolean; recorded: Outcome; replayed: Outcome; fromEditor: boolean }): string | undefined {
  const parts: string[] = [];
  const random = randomnessIn(at.source);
  if (random.length > 0) {
    const names = random.join(", ");
    parts.push(
      at.identical
        ? `Identical this time, but the rule uses ${names}, which the recorded clock does not pin: another replay may differ.`
        : `The rule uses ${names}, which the recorded clock does not pin: its answer can change from run to run. To make runs replayable, take the randomness from the input (a seed, or the values themselves).`,
    );
  }
  if (at.recorded !== at.replayed && (LIMIT_OUTCOMES.includes(at.recorded) || LIMIT_OUTCOMES.includes(at.replayed))) {
    parts.push(
      `${at.recorded} → ${at.replayed}: time, memory and output limits depend on the machine's load and the limits in force, not only on the rule and its input${at.fromEditor ? " (an editor run is replayed with the rule's current limits)" : ""}.`,
    );
  }
  if (at.recorded !== at.replayed && (at.recorded === "blocked" || at.replayed === "blocked")) {
    parts.push("blocked is decided by the static check before the rule runs: the policy (or the server's static-check setting) changed since this run was recorded.");
  }
  return parts.length > 0 ? parts.join(" ") : undefined;
}

// Everything in the sandbox that answers differently with the same input and clock: Math.random
// (endowed as is; SES does not pin it) and what the preloaded libraries build on it. Checked by
// running each twice in a worker: performance, crypto, WeakRef, Intl and timers are absent, dates
// read the run clock, and _.uniqueId starts afresh per run.
const LODASH_RANDOM = ["random", "shuffle", "sampleSize", "sample"];
const IDENTIFIER = "[A-Za-z_$][\\w$]*";

/**
 * The sources of randomness a rule's source mentions, as `Math.random`, `_.shuffle`,
 * `Decimal.random`. Text patterns, not a parse: the hint must cost nothing on the app's thread
 * whatever the source (parsing runs off-thread under a deadline, analysis-pool.ts), so every
 * pattern is bounded, and a mention in a comment counts too.
 */
export function randomnessIn(source: string): string[] {
  const found = new Set<string>();
  if (/\bMath\s*(?:\.\s*random\b|\[\s*["'`]random["'`]\s*\])/.test(source)) found.add("Math.random");
  for (const m of source.matchAll(/\{([^{}]{0,500})\}\s*=\s*Math\b/g)) if (/\brandom\b/.test(m[1]!)) found.add("Math.random");
  const lodash = importedNames(source, "lodash");
  for (const name of lodash.named) if (LODASH_RANDOM.includes(name)) found.add(`_.${name}`);
  for (const binding of lodash.bindings) {
    for (const m of source.matchAll(new RegExp(`(?<![\\w$.])${escapeRegExp(binding)}\\s*\\.\\s*(${LODASH_RANDOM.join("|")})\\b`, "g"))) found.add(`_.${m[1]}`);
  }
  if (lodash.bindings.length > 0) {
    // Chains: _(xs).shuffle(), _.chain(xs).sample().
    for (const m of source.matchAll(new RegExp(`\\)\\s*\\.\\s*(${LODASH_RANDOM.join("|")})\\s*\\(`, "g"))) found.add(`_.${m[1]}`);
  }
  for (const binding of importedNames(source, "decimal.js").bindings) {
    if (new RegExp(`(?<![\\w$.])${escapeRegExp(binding)}\\s*\\.\\s*random\\b`).test(source)) found.add("Decimal.random");
  }
  return [...found];
}

/** Default and namespace bindings of a module's imports, and the names imported by name. */
function importedNames(source: string, module: string): { bindings: string[]; named: string[] } {
  const from = `\\s*from\\s*["']${escapeRegExp(module)}["']`;
  const bindings: string[] = [];
  const named: string[] = [];
  for (const m of source.matchAll(new RegExp(`\\bimport\\s+(${IDENTIFIER})\\s*(?:,\\s*\\{[^{}]{0,2000}\\}\\s*)?${from}`, "g"))) bindings.push(m[1]!);
  for (const m of source.matchAll(new RegExp(`\\bimport\\s*\\*\\s*as\\s+(${IDENTIFIER})${from}`, "g"))) bindings.push(m[1]!);
  for (const m of source.matchAll(new RegExp(`\\bimport\\s*(?:${IDENTIFIER}\\s*,\\s*)?\\{([^{}]{0,2000})\\}${from}`, "g"))) {
    for (const specifier of m[1]!.split(",")) {
      const [imported, , local] = specifier.trim().split(/\s+/);
      if (!imported) continue;
      if (imported === "default" && local) bindings.push(local);
      else named.push(imported);
    }
  }
  return { bindings, named };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
