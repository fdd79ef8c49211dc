import "server-only";
// What-if replay: before publishing, run the inputs of recently recorded execute-path runs, each
// with the clock it was recorded with, through a candidate (a saved version or unsaved source) and
// through the live version, and say what would have changed. Replays go through the same executor
// path as /execute/batch (analyzer, limits, noisy lane, quarantine) but are never production runs:
// nothing is recorded, and they do not appear in the run history. Bounded in count (10,000
// inputs), time (REPLAY_DEADLINE_MS; inputs not started by then are counted as not run) and
// answer size (changed runs are paged, and each value in them is clipped).
import type { Language, Limits, Outcome, RunResult } from "@/server/contracts/run";
import { flushApiRuns, listRecordedInputs } from "@/server/db/runs";
import { requireRule } from "@/server/db/rules";
import { getRuleVersion } from "@/server/db/versions";
import { resolveLimits, ruleCulprit, runRule } from "@/server/executor";
import { AppError, notFound, toExecutorRefusal } from "./errors";
import { BATCH_CONCURRENCY, clampToCaps } from "./execute";

/** Wall-clock bound on one replay; inputs not started by then are reported as not run. */
export const REPLAY_DEADLINE_MS = 60_000;
/** Most input JSON one replay reads (the recorded inputs are held while it runs). */
export const REPLAY_INPUT_BUDGET_BYTES = 64 * 1024 * 1024;
/** Longest JSON text of one value (input, output) shown in a changed run; longer ones are clipped. */
const MAX_SHOWN_JSON_CHARS = 2_048;
/** Longest JSON text of each side of one differing path. */
const MAX_DIFF_VALUE_CHARS = 256;
/** Differing paths listed per changed run. */
const MAX_DIFF_PATHS = 10;

export type ReplayCandidate = { version: number } | { source: string; language: Language };

export interface ReplayRequest {
  candidate: ReplayCandidate;
  last: number;
  since?: Date;
  changesOffset: number;
  changesLimit: number;
}

/** What one side of a replay runs: the code, its limits, and what ctx.version and the culprit say. */
export interface Side {
  source: string;
  language: Language;
  limits: Limits;
  version?: number;
  culprit?: string;
}

/** What one side answered, as compared and shown. */
export interface SideResult {
  outcome: Outcome;
  output?: unknown;
  error?: { name: string; message: string };
  durationMs: number;
}

interface Pair {
  runId: string;
  input: unknown;
  recordedAt: Date;
  live: SideResult;
  candidate: SideResult;
}

/** Duration distribution of one side, in ms. */
export interface DurationSummary {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

export interface ReplaySummary {
  live: { version: number };
  candidate: { version: number } | { source: "unsaved" };
  /** Recorded inputs replayed from (sampling may have left some execute runs unrecorded). */
  inputs: number;
  /** Matching recorded runs left out because their inputs passed REPLAY_INPUT_BUDGET_BYTES. */
  inputsLeftOut: number;
  replayed: number;
  /** Inputs not run: the executor refused them (busy) or the deadline passed first. */
  notRun: number;
  complete: boolean;
  changed: number;
  unchanged: number;
  /** "ok → error": how many runs changed outcome that way. */
  outcomeChanges: Record<string, number>;
  durations: { live: DurationSummary; candidate: DurationSummary };
  changes: { offset: number; limit: number; total: number; items: ChangedRun[] };
}

export interface ChangedRun {
  runId: string;
  recordedAt: string;
  input: unknown;
  live: SideResult;
  candidate: SideResult;
  /** Paths where the outputs differ (`$` is the whole output), with both values. */
  diff: { path: string; live: unknown; candidate: unknown }[];
}

async function resolveSides(ruleId: string, candidate: ReplayCandidate): Promise<{ live: Side; candidate: Side; candidateLabel: ReplaySummary["candidate"] }> {
  const rule = await requireRule(ruleId);
  if (rule.publishedVersion === null) {
    throw new AppError("conflict", `rule ${ruleId} is not published: there is no live version to compare with. Publish one first.`, { reason: "not_published" });
  }
  const liveVersion = await getRuleVersion(ruleId, rule.publishedVersion);
  if (!liveVersion) throw notFound(`version ${rule.publishedVersion} of rule ${ruleId} not found`);
  const live: Side = { source: liveVersion.source, language: liveVersion.language, limits: clampToCaps(liveVersion.limits), version: liveVersion.number, culprit: ruleCulprit(ruleId) };
  if ("version" in candidate) {
    const version = await getRuleVersion(ruleId, candidate.version);
    if (!version) throw notFound(`version ${candidate.version} of rule ${ruleId} not found`);
    return {
      live,
      candidate: { source: version.source, language: version.language, limits: clampToCaps(version.limits), version: version.number, culprit: ruleCulprit(ruleId) },
      candidateLabel: { version: version.number },
    };
  }
  // Unsaved source: the rule's current limits, and its own culprit (culprit.ts), not the rule's.
  return { live, candidate: { source: candidate.source, language: candidate.language, limits: resolveLimits({ ...rule.limits }) }, candidateLabel: { source: "unsaved" } };
}

/** The part of a run's result a replay compares and shows. */
export function sideResult(result: RunResult): SideResult {
  return {
    outcome: result.outcome,
    ...("output" in result && result.output !== undefined ? { output: result.output } : {}),
    ...(result.error ? { error: { name: result.error.name, message: result.error.message } } : {}),
    durationMs: result.durationMs,
  };
}

/** Runs one side on a recorded input with its recorded clock; never recorded as a run. */
export function runSide(side: Side, ruleId: string, input: unknown, clock: number): Promise<RunResult> {
  return runRule({
    source: side.source,
    language: side.language,
    input,
    limits: side.limits,
    clock,
    ruleId,
    ...(side.version !== undefined ? { version: side.version } : {}),
    ...(side.culprit !== undefined ? { culprit: side.culprit } : {}),
  });
}

/** JSON text with object keys sorted, so equal values compare equal whatever their key order. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  ) ?? "undefined";
}

function clipValue(value: unknown, max = MAX_SHOWN_JSON_CHARS): unknown {
  const text = JSON.stringify(value);
  if (text === undefined || text.length <= max) return value;
  return { clipped: true, json: `${text.slice(0, max)}…`, totalChars: text.length };
}

/** Paths where two JSON values differ (`live` is `a`, `candidate` is `b`), breadth-limited to MAX_DIFF_PATHS. */
export function diffPaths(a: unknown, b: unknown, path = "$", out: ChangedRun["diff"] = []): ChangedRun["diff"] {
  if (out.length >= MAX_DIFF_PATHS) return out;
  const bothObjects = a !== null && b !== null && typeof a === "object" && typeof b === "object" && Array.isArray(a) === Array.isArray(b);
  if (!bothObjects) {
    if (canonicalJson(a) !== canonicalJson(b)) out.push({ path, live: clipValue(a, MAX_DIFF_VALUE_CHARS), candidate: clipValue(b, MAX_DIFF_VALUE_CHARS) });
    return out;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.max(a.length, b.length) && out.length < MAX_DIFF_PATHS; i++) diffPaths(a[i], b[i], `${path}[${i}]`, out);
    return out;
  }
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  for (const key of [...new Set([...Object.keys(left), ...Object.keys(right)])].sort()) {
    if (out.length >= MAX_DIFF_PATHS) break;
    diffPaths(left[key], right[key], /^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`, out);
  }
  return out;
}

function summarizeDurations(values: number[]): DurationSummary {
  if (values.length === 0) return { count: 0, p50: 0, p90: 0, p99: 0, max: 0, mean: 0 };
  const sorted = [...values].sort((x, y) => x - y);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  const round = (v: number) => Math.round(v * 1000) / 1000;
  return { count: sorted.length, p50: round(at(0.5)), p90: round(at(0.9)), p99: round(at(0.99)), max: round(sorted.at(-1)!), mean: round(sorted.reduce((s, v) => s + v, 0) / sorted.length) };
}

/** Whether two sides answered the same: the outcome, then the output (ok) or the error message. Durations never count. */
export function sameAnswer(a: SideResult, b: SideResult): boolean {
  if (a.outcome !== b.outcome) return false;
  if (a.outcome !== "ok") return (a.error?.message ?? "") === (b.error?.message ?? "");
  return canonicalJson(a.output) === canonicalJson(b.output);
}

/**
 * Replays recorded inputs through the candidate and the live version (see file header).
 * @throws AppError 404 (rule or version), 409 (rule not published).
 */
export async function replayRule(ruleId: string, request: ReplayRequest): Promise<ReplaySummary> {
  const sides = await resolveSides(ruleId, request.candidate);
  // Runs answered a moment ago may still wait in the recorder's batch: replay them too.
  await flushApiRuns();
  const { inputs: recorded, leftOut } = await listRecordedInputs(ruleId, { last: request.last, maxBytes: REPLAY_INPUT_BUDGET_BYTES, ...(request.since ? { since: request.since } : {}) });
  const deadline = performance.now() + REPLAY_DEADLINE_MS;
  const keep = request.changesOffset + request.changesLimit;
  // Only counts are kept for every run; full records only for the changed runs that can still be
  // on the requested page (the lowest `keep` indexes: dropping any other is always safe).
  let page: { index: number; record: ChangedRun }[] = [];
  const liveDurations: number[] = [];
  const candidateDurations: number[] = [];
  const outcomeChanges: Record<string, number> = {};
  let replayed = 0;
  let changed = 0;
  let next = 0;
  let timedOut = false;
  const lane = async () => {
    while (next < recorded.length) {
      if (performance.now() > deadline) {
        timedOut = true;
        return;
      }
      const index = next++;
      const { runId, input, clock, createdAt } = recorded[index]!;
      let pair: Pair;
      try {
        const [live, candidate] = await Promise.all([runSide(sides.live, ruleId, input, clock), runSide(sides.candidate, ruleId, input, clock)]);
        pair = { runId, input, recordedAt: createdAt, live: sideResult(live), candidate: sideResult(candidate) };
      } catch (err) {
        // Busy or throttled: this input is not run; anything else is a server fault.
        if (!toExecutorRefusal(err)) throw err;
        continue;
      }
      replayed += 1;
      liveDurations.push(pair.live.durationMs);
      candidateDurations.push(pair.candidate.durationMs);
      if (sameAnswer(pair.live, pair.candidate)) continue;
      changed += 1;
      if (pair.live.outcome !== pair.candidate.outcome) {
        const key = `${pair.live.outcome} → ${pair.candidate.outcome}`;
        outcomeChanges[key] = (outcomeChanges[key] ?? 0) + 1;
      }
      if (keep === 0) continue;
      page.push({ index, record: toChangedRun(pair) });
      if (page.length > keep * 2) page = page.sort((x, y) => x.index - y.index).slice(0, keep);
    }
  };
  await Promise.all(Array.from({ length: Math.min(BATCH_CONCURRENCY, Math.max(1, recorded.length)) }, lane));
  const items = page
    .sort((x, y) => x.index - y.index)
    .slice(request.changesOffset, keep)
    .map((p) => p.record);
  return {
    live: { version: sides.live.version! },
    candidate: sides.candidateLabel,
    inputs: recorded.length,
    inputsLeftOut: leftOut,
    replayed,
    notRun: recorded.length - replayed,
    complete: !timedOut && replayed === recorded.length,
    changed,
    unchanged: replayed - changed,
    outcomeChanges,
    durations: { live: summarizeDurations(liveDurations), candidate: summarizeDurations(candidateDurations) },
    changes: { offset: request.changesOffset, limit: request.changesLimit, total: changed, items },
  };
}

function toChangedRun(pair: Pair): ChangedRun {
  const shown = (side: SideResult): SideResult => (side.output !== undefined ? { ...side, output: clipValue(side.output) } : side);
  return {
    runId: pair.runId,
    recordedAt: pair.recordedAt.toISOString(),
    input: clipValue(pair.input),
    live: shown(pair.live),
    candidate: shown(pair.candidate),
    diff: pair.live.outcome === "ok" && pair.candidate.outcome === "ok" ? diffPaths(pair.live.output, pair.candidate.output) : [],
  };
}
