import "server-only";
import { z } from "zod";
import {
  diagnosticSchema,
  languageSchema,
  logEntrySchema,
  outcomeSchema,
  ruleErrorSchema,
  type Diagnostic,
  type Language,
  type LogEntry,
  type Outcome,
  type RuleError,
  type RunResult,
} from "@/server/contracts/run";
import { getDb, withWriteLock } from "./client";
import { parseJsonColumn, parseOptionalJsonColumn, toJsonText } from "./json";
import { insertRunRows } from "./run-writer";
import { BatchRecorder, newRunId, readRecorderConfig, type RecorderConfig, type RecorderStats } from "./run-recorder";
import { peekProcessGlobal, processGlobal } from "../process-global";

export const runTriggerSchema = z.enum(["ide", "api"]);
/** Who started a run: the editor ("ide") or another system through the execute endpoint ("api"). */
export type RunTrigger = z.infer<typeof runTriggerSchema>;

/** Everything needed to record one finished run. */
export interface RunRecord {
  ruleId: string | null;
  versionNumber: number | null;
  /** Kept for runs of unsaved source so they can be replayed; null when a saved version ran. */
  source: string | null;
  sourceHash: string;
  language: Language;
  trigger: RunTrigger;
  input: unknown;
  result: RunResult;
}

/** A run as listed. `source` is the trigger, as the list API names it. */
export interface RunSummary {
  id: string;
  ruleId: string | null;
  version: number | null;
  outcome: Outcome;
  durationMs: number;
  source: RunTrigger;
  createdAt: Date;
}

/** A run with everything recorded about it. */
export interface RunDetail {
  id: string;
  ruleId: string | null;
  version: number | null;
  outcome: Outcome;
  input: unknown;
  output?: unknown;
  logs: LogEntry[];
  logsTruncated: boolean;
  error?: RuleError;
  diagnostics?: Diagnostic[];
  clock: number;
  durationMs: number;
  memoryBytes?: number;
  sourceHash: string;
  source?: string;
  language: Language;
  trigger: RunTrigger;
  createdAt: Date;
}

function toRunRow(run: RunRecord) {
  const { result } = run;
  return {
    ruleId: run.ruleId,
    versionNumber: run.versionNumber,
    source: run.source,
    sourceHash: run.sourceHash,
    language: run.language,
    trigger: run.trigger,
    inputJson: toJsonText(run.input),
    outputJson: result.output === undefined ? null : toJsonText(result.output),
    logsJson: toJsonText(result.logs),
    logsTruncated: result.logsTruncated ?? false,
    outcome: result.outcome,
    errorJson: result.error === undefined ? null : toJsonText(result.error),
    diagnosticsJson: result.diagnostics === undefined ? null : toJsonText(result.diagnostics),
    clock: BigInt(Math.trunc(result.clock)),
    durationMs: result.durationMs,
    memoryBytes: result.memoryBytes === undefined ? null : BigInt(Math.trunc(result.memoryBytes)),
  };
}

type RunRow = ReturnType<typeof toRunRow> & { id: string; createdAt: Date };

/** Stores one run now and returns its id (the IDE path: always recorded, synchronously). */
export async function recordRun(run: RunRecord): Promise<string> {
  const db = await getDb();
  const row = await withWriteLock(() => db.run.create({ data: toRunRow(run), select: { id: true } }));
  return row.id;
}

interface RecorderHolder {
  recorder: BatchRecorder<RunRow>;
  config: RecorderConfig;
  pruner?: NodeJS.Timeout;
}

const PRUNE_INTERVAL_MS = 60 * 60 * 1000;

function apiRunRecorder(): RecorderHolder {
  return processGlobal("runRecorder", () => {
    const config = readRecorderConfig(process.env);
    const recorder = new BatchRecorder<RunRow>(
      (rows) => insertRunRows(rows),
      config,
      undefined,
      async () => {
        const db = await getDb();
        await db.rule.findFirst({ select: { id: true } });
      },
    );
    const holder: RecorderHolder = { recorder, config };
    if (config.retentionDays > 0) {
      const prune = () => void pruneApiRuns(config.retentionDays).catch((err: unknown) => console.error("[rulebox] pruning old api runs failed", err));
      holder.pruner = setInterval(prune, PRUNE_INTERVAL_MS);
      holder.pruner.unref();
      prune();
    }
    return holder;
  });
}

/**
 * Records an execute-path run asynchronously (issue 5): the id is assigned now, the row is written
 * with the next batch. Returns null when the run is not recorded: sampled out (successful runs
 * only, RULEBOX_API_RUN_SAMPLE_RATE) or the buffer stayed full (logged and counted as dropped).
 */
export async function recordApiRun(run: RunRecord): Promise<string | null> {
  const { recorder, config } = apiRunRecorder();
  if (run.result.outcome === "ok" && config.sampleRate < 1 && Math.random() >= config.sampleRate) {
    recorder.countSampledOut();
    return null;
  }
  const id = newRunId();
  if (await recorder.add({ ...toRunRow(run), id, createdAt: new Date() })) return id;
  console.error(`[rulebox] run record buffer full for ${config.bufferWaitMs} ms; an api run of rule ${run.ruleId ?? "?"} was not recorded`);
  return null;
}

/** Waits (bounded) until every execute-path run accepted so far is in the database. */
export async function flushApiRuns(timeoutMs = 5_000): Promise<boolean> {
  const holder = peekProcessGlobal<RecorderHolder>("runRecorder");
  return holder ? holder.recorder.flush(timeoutMs) : true;
}

/** Buffer and write counters of the execute-path recorder. */
export function getRunRecorderStats(): RecorderStats {
  return apiRunRecorder().recorder.stats();
}

/** Deletes execute-path runs older than `days` days (IDE runs are kept). Returns how many. */
export async function pruneApiRuns(days: number): Promise<number> {
  const db = await getDb();
  const cutoff = new Date(Date.now() - days * 24 * 60 * 60 * 1000);
  const { count } = await withWriteLock(() => db.run.deleteMany({ where: { trigger: "api", createdAt: { lt: cutoff } } }));
  return count;
}

/** Position after the last run of a page: (createdAt, id) of that run, opaque to clients. */
export interface RunCursor {
  createdAt: Date;
  id: string;
}

// t is a Date's milliseconds: at most 8.64e15 by ECMAScript, and the databases stop at year 9999.
const cursorSchema = z.object({ t: z.number().int().nonnegative().max(253_402_300_799_999), id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/) }).strict();

/** Encodes a page position as an opaque URL-safe string. */
export function encodeRunCursor(cursor: RunCursor): string {
  return Buffer.from(JSON.stringify({ t: cursor.createdAt.getTime(), id: cursor.id })).toString("base64url");
}

/** Decodes a cursor from encodeRunCursor; null when it is not one. */
export function decodeRunCursor(text: string): RunCursor | null {
  try {
    const parsed = cursorSchema.safeParse(JSON.parse(Buffer.from(text, "base64url").toString("utf8")));
    return parsed.success ? { createdAt: new Date(parsed.data.t), id: parsed.data.id } : null;
  } catch {
    return null;
  }
}

/**
 * A page of a rule's runs, newest first (ties broken by id), optionally one outcome only.
 * Keyset pagination: stable while new runs arrive, and served by the (ruleId, createdAt) indexes.
 */
export async function listRuns(ruleId: string, options: { outcome?: Outcome; cursor?: RunCursor; limit: number }): Promise<{ runs: RunSummary[]; nextCursor: string | null }> {
  const db = await getDb();
  const { cursor } = options;
  const rows = await db.run.findMany({
    where: {
      ruleId,
      ...(options.outcome ? { outcome: options.outcome } : {}),
      ...(cursor ? { OR: [{ createdAt: { lt: cursor.createdAt } }, { createdAt: cursor.createdAt, id: { lt: cursor.id } }] } : {}),
    },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: options.limit + 1,
    select: { id: true, ruleId: true, versionNumber: true, outcome: true, durationMs: true, trigger: true, createdAt: true },
  });
  const page = rows.slice(0, options.limit);
  const last = page[page.length - 1];
  return {
    runs: page.map((row) => ({
      id: row.id,
      ruleId: row.ruleId,
      version: row.versionNumber,
      outcome: outcomeSchema.parse(row.outcome),
      durationMs: row.durationMs,
      source: runTriggerSchema.parse(row.trigger),
      createdAt: row.createdAt,
    })),
    nextCursor: rows.length > options.limit && last ? encodeRunCursor(last) : null,
  };
}

/** One run with its input, output, logs and error, or null. */
export async function getRun(id: string): Promise<RunDetail | null> {
  const db = await getDb();
  const row = await db.run.findUnique({ where: { id } });
  if (!row) return null;
  const output = parseOptionalJsonColumn(row.outputJson, z.unknown(), "Run.outputJson");
  const error = parseOptionalJsonColumn(row.errorJson, ruleErrorSchema, "Run.errorJson");
  const diagnostics = parseOptionalJsonColumn(row.diagnosticsJson, z.array(diagnosticSchema), "Run.diagnosticsJson");
  return {
    id: row.id,
    ruleId: row.ruleId,
    version: row.versionNumber,
    outcome: outcomeSchema.parse(row.outcome),
    input: parseJsonColumn(row.inputJson, z.unknown(), "Run.inputJson"),
    ...(row.outputJson === null ? {} : { output }),
    logs: parseJsonColumn(row.logsJson, z.array(logEntrySchema), "Run.logsJson"),
    logsTruncated: row.logsTruncated,
    ...(error === undefined ? {} : { error }),
    ...(diagnostics === undefined ? {} : { diagnostics }),
    clock: Number(row.clock),
    durationMs: row.durationMs,
    ...(row.memoryBytes === null ? {} : { memoryBytes: Number(row.memoryBytes) }),
    sourceHash: row.sourceHash,
    ...(row.source === null ? {} : { source: row.source }),
    language: languageSchema.parse(row.language),
    trigger: runTriggerSchema.parse(row.trigger),
    createdAt: row.createdAt,
  };
}

/** A recorded execute-path input, as a replay needs it: what the caller sent and the clock it ran with. */
export interface RecordedInput {
  runId: string;
  input: unknown;
  clock: number;
  createdAt: Date;
}

/** Rows read per query while collecting recorded inputs. */
const RECORDED_INPUT_PAGE = 200;

/**
 * The inputs of a rule's recorded execute-path runs (trigger "api"), newest first: the last
 * `last`, optionally only those recorded at or after `since`, and no more than `maxBytes` of input
 * JSON in all (read in pages, so a run of 1 MiB inputs never loads more than the budget).
 * `leftOut` counts matching runs past the byte budget.
 */
export async function listRecordedInputs(ruleId: string, options: { last: number; since?: Date; maxBytes: number }): Promise<{ inputs: RecordedInput[]; leftOut: number }> {
  const db = await getDb();
  const inputs: RecordedInput[] = [];
  let bytes = 0;
  let cursor: { createdAt: Date; id: string } | undefined;
  while (inputs.length < options.last) {
    const rows = await db.run.findMany({
      where: {
        ruleId,
        trigger: "api",
        ...(options.since ? { createdAt: { gte: options.since } } : {}),
        ...(cursor ? { OR: [{ createdAt: { lt: cursor.createdAt } }, { createdAt: cursor.createdAt, id: { lt: cursor.id } }] } : {}),
      },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take: Math.min(RECORDED_INPUT_PAGE, options.last - inputs.length),
      select: { id: true, inputJson: true, clock: true, createdAt: true },
    });
    for (const row of rows) {
      bytes += row.inputJson.length;
      if (bytes > options.maxBytes) {
        const rest = await db.run.count({
          where: { ruleId, trigger: "api", ...(options.since ? { createdAt: { gte: options.since } } : {}), OR: [{ createdAt: { lt: row.createdAt } }, { createdAt: row.createdAt, id: { lte: row.id } }] },
        });
        return { inputs, leftOut: Math.min(rest, options.last - inputs.length) };
      }
      inputs.push({ runId: row.id, input: parseJsonColumn(row.inputJson, z.unknown(), "Run.inputJson"), clock: Number(row.clock), createdAt: row.createdAt });
    }
    const last = rows.at(-1);
    if (!last || rows.length < RECORDED_INPUT_PAGE) break;
    cursor = { createdAt: last.createdAt, id: last.id };
  }
  return { inputs, leftOut: 0 };
}
