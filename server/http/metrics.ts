import "server-only";
import { getRunRecorderStats } from "@/server/db/runs";
import type { RecorderStats } from "@/server/db/run-recorder";
import { getExecutorStats, type ExecutorStats } from "@/server/executor";
import { outcomeSchema } from "@/server/contracts/run";
import { processGlobal } from "@/server/process-global";

// GET /api/metrics in the Prometheus text exposition format 0.0.4
// (https://prometheus.io/docs/instrumenting/exposition_formats/). Written by hand, and why not
// prom-client: every number already lives where it is counted — the run-latency histogram and the
// outcome counters in each executor process or remote host (run-stats.ts), the recorder's in the
// recorder — and is read only when Prometheus scrapes, so the hot path pays nothing. prom-client's
// Histogram takes observations, not bucket counts aggregated elsewhere: using it would mean either
// an observe() per run in the app (a cost on every /execute) or faking its internals through a
// custom collector. This file only formats what the stats already hold (~100 lines, tested
// against the format's rules in metrics.test.ts and by a real scrape in metrics.itest.ts).

/** Content-Type of the text exposition format. */
export const PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

type Labels = Record<string, string>;

/** One counter or gauge series. */
export interface Sample {
  labels?: Labels;
  value: number;
}

/** A histogram series: `counts[i]` holds observations ≤ `upperBounds[i]` and above the previous bound; one extra last entry holds those above every bound. */
export interface HistogramSample {
  labels?: Labels;
  upperBounds: number[];
  counts: number[];
  sum: number;
  count: number;
}

/** A metric family: HELP and TYPE once, then its series. */
export type MetricFamily =
  | { name: string; help: string; type: "counter" | "gauge"; samples: Sample[] }
  | { name: string; help: string; type: "histogram"; samples: HistogramSample[] };

const NAME_PATTERN = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_PATTERN = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

function formatValue(n: number): string {
  if (Number.isNaN(n)) return "NaN";
  if (n === Infinity) return "+Inf";
  if (n === -Infinity) return "-Inf";
  return String(n);
}

const escapeHelp = (text: string) => text.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");
const escapeLabelValue = (text: string) => text.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");

function formatLabels(labels: Labels | undefined, extra?: [string, string]): string {
  const pairs = Object.entries(labels ?? {});
  if (extra) pairs.push(extra);
  if (pairs.length === 0) return "";
  for (const [name] of pairs) if (!LABEL_PATTERN.test(name) || name.startsWith("__")) throw new Error(`invalid label name ${JSON.stringify(name)}`);
  return `{${pairs.map(([name, value]) => `${name}="${escapeLabelValue(value)}"`).join(",")}}`;
}

/** Renders metric families as Prometheus text; throws on an invalid metric or label name (a programming error). */
export function formatPrometheus(families: MetricFamily[]): string {
  const lines: string[] = [];
  for (const family of families) {
    if (!NAME_PATTERN.test(family.name)) throw new Error(`invalid metric name ${JSON.stringify(family.name)}`);
    lines.push(`# HELP ${family.name} ${escapeHelp(family.help)}`, `# TYPE ${family.name} ${family.type}`);
    if (family.type !== "histogram") {
      for (const s of family.samples) lines.push(`${family.name}${formatLabels(s.labels)} ${formatValue(s.value)}`);
      continue;
    }
    for (const s of family.samples) {
      if (s.counts.length !== s.upperBounds.length + 1) throw new Error(`histogram ${family.name}: expected ${s.upperBounds.length + 1} counts, got ${s.counts.length}`);
      // The exposition format wants cumulative buckets, ending with le="+Inf" equal to _count.
      let cumulative = 0;
      s.upperBounds.forEach((bound, i) => {
        cumulative += s.counts[i]!;
        lines.push(`${family.name}_bucket${formatLabels(s.labels, ["le", formatValue(bound)])} ${cumulative}`);
      });
      lines.push(`${family.name}_bucket${formatLabels(s.labels, ["le", "+Inf"])} ${s.count}`);
      lines.push(`${family.name}_sum${formatLabels(s.labels)} ${formatValue(s.sum)}`);
      lines.push(`${family.name}_count${formatLabels(s.labels)} ${s.count}`);
    }
  }
  return lines.length ? `${lines.join("\n")}\n` : "";
}

/** Counters kept by the HTTP layer itself. */
export interface HttpCounters {
  executeUnauthorized: number;
}

// On globalThis: each Next.js route bundle has its own module instances, and the execute route's
// counter must be the one the metrics route reads.
function httpCounters(): HttpCounters {
  return processGlobal<HttpCounters>("httpCounters", () => ({ executeUnauthorized: 0 }));
}

/** Counts an execute request refused for want of a valid API key. */
export function countUnauthorizedExecute(): void {
  httpCounters().executeUnauthorized += 1;
}

/** Everything /api/metrics reports, gathered at scrape time. `executor` is null when its stats were unavailable. */
export interface MetricsSnapshot {
  executor: ExecutorStats | null;
  recorder: RecorderStats;
  http: HttpCounters;
  process: { residentMemoryBytes: number; heapUsedBytes: number; startTimeSeconds: number };
}

const one = (value: number): Sample[] => [{ value }];

/** Maps a snapshot to metric families (names follow Prometheus conventions: base units, `_total` counters). */
export function buildMetricFamilies(snapshot: MetricsSnapshot): MetricFamily[] {
  const { executor, recorder, http } = snapshot;
  const families: MetricFamily[] = [];
  families.push({ name: "rulebox_executor_stats_available", help: "1 when the executor answered the stats request of this scrape, else 0 (executor series are then omitted).", type: "gauge", samples: one(executor ? 1 : 0) });
  if (executor) {
    families.push(
      {
        name: "rulebox_runs_total",
        help: "Runs answered, by outcome (blocked includes runs refused by the static check; crashed includes runs lost with an executor process).",
        type: "counter",
        samples: outcomeSchema.options.map((outcome) => ({ labels: { outcome }, value: executor.runsByOutcome[outcome] })),
      },
      {
        name: "rulebox_run_duration_seconds",
        help: "Run latency seen by the app, from submit to the executor's answer (runs refused by the static check are not included).",
        type: "histogram",
        samples: [
          {
            upperBounds: executor.runLatencyMs.bucketsMs.map((ms) => ms / 1000),
            counts: executor.runLatencyMs.counts,
            sum: executor.runLatencyMs.sumMs / 1000,
            count: executor.runLatencyMs.count,
          },
        ],
      },
      { name: "rulebox_executor_processes", help: "Executor processes configured.", type: "gauge", samples: one(executor.executors.length) },
      { name: "rulebox_executor_processes_up", help: "Executor processes ready to take runs.", type: "gauge", samples: one(executor.alive) },
      { name: "rulebox_executor_restarts_total", help: "Executor processes restarted after they died.", type: "counter", samples: one(executor.executorRestarts) },
      { name: "rulebox_executor_pool_threads", help: "Worker threads in the pools of the live executor processes.", type: "gauge", samples: one(executor.pool.threads) },
      { name: "rulebox_executor_pool_ready_threads", help: "Of those, worker threads that have booted and take runs (the rest are starting).", type: "gauge", samples: one(executor.pool.readyThreads) },
      {
        name: "rulebox_executor_worker_restarts_total",
        help: "Worker threads replaced (timeouts, out of memory), summed over live executor processes (resets when a process restarts).",
        type: "counter",
        samples: one(executor.pool.workerRestarts),
      },
      { name: "rulebox_executor_queue_depth", help: "Runs waiting in the app for an executor process.", type: "gauge", samples: one(executor.queueDepth) },
      { name: "rulebox_executor_pool_queue_depth", help: "Runs queued inside the executor processes' pools.", type: "gauge", samples: one(executor.pool.queueSize) },
      { name: "rulebox_executor_in_flight", help: "Runs dispatched to executor processes and not answered yet.", type: "gauge", samples: one(executor.inFlight) },
      { name: "rulebox_executor_quarantined_rules", help: "Rule sources refused after repeated executor process aborts.", type: "gauge", samples: one(executor.quarantinedRules) },
      { name: "rulebox_executor_noisy_rules", help: "Rule sources whose recent runs hit their time or memory limit or took an executor down; their runs take turns.", type: "gauge", samples: one(executor.noisy.rules) },
      { name: "rulebox_executor_noisy_waiting", help: "Runs of noisy rules waiting for their turn.", type: "gauge", samples: one(executor.noisy.waiting) },
    );
  }
  families.push(
    { name: "rulebox_run_recorder_buffered", help: "Execute-path run records waiting to be written.", type: "gauge", samples: one(recorder.buffered) },
    { name: "rulebox_run_recorder_written_total", help: "Execute-path run records written.", type: "counter", samples: one(recorder.written) },
    { name: "rulebox_run_recorder_sampled_out_total", help: "Successful execute-path runs not recorded because of RULEBOX_API_RUN_SAMPLE_RATE.", type: "counter", samples: one(recorder.sampledOut) },
    { name: "rulebox_run_recorder_dropped_total", help: "Execute-path run records given up because the buffer stayed full.", type: "counter", samples: one(recorder.dropped) },
    { name: "rulebox_run_recorder_failed_writes_total", help: "Batch writes that failed and were retried.", type: "counter", samples: one(recorder.failedWrites) },
    { name: "rulebox_run_recorder_poisoned_total", help: "Execute-path run records given up because they failed alone while the database answered.", type: "counter", samples: one(recorder.poisoned) },
    { name: "rulebox_execute_unauthorized_total", help: "Execute requests refused with 401 (missing, invalid or revoked API key).", type: "counter", samples: one(http.executeUnauthorized) },
    { name: "process_resident_memory_bytes", help: "Resident memory of the app process in bytes.", type: "gauge", samples: one(snapshot.process.residentMemoryBytes) },
    { name: "nodejs_heap_used_bytes", help: "V8 heap in use by the app process in bytes.", type: "gauge", samples: one(snapshot.process.heapUsedBytes) },
    { name: "process_start_time_seconds", help: "Start time of the app process since the Unix epoch in seconds.", type: "gauge", samples: one(snapshot.process.startTimeSeconds) },
  );
  return families;
}

/** Gathers the current numbers and renders them; never throws for an unavailable executor. */
export async function readMetrics(): Promise<string> {
  let executor: ExecutorStats | null = null;
  try {
    executor = await getExecutorStats();
  } catch (err) {
    console.error("[rulebox] metrics: executor stats failed", err);
  }
  const memory = process.memoryUsage();
  return formatPrometheus(
    buildMetricFamilies({
      executor,
      recorder: getRunRecorderStats(),
      http: { ...httpCounters() },
      process: { residentMemoryBytes: memory.rss, heapUsedBytes: memory.heapUsed, startTimeSeconds: Math.round((Date.now() - process.uptime() * 1000) / 1000) },
    }),
  );
}
