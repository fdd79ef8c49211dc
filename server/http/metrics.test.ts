import { describe, expect, it } from "vitest";
import { buildMetricFamilies, formatPrometheus, type MetricsSnapshot } from "./metrics";
import type { ExecutorStats } from "@/server/executor";

describe("formatPrometheus", () => {
  it("writes HELP and TYPE once per family, then its series with escaped labels", () => {
    const text = formatPrometheus([
      {
        name: "demo_runs_total",
        help: "Runs.\nBy outcome \\ kind.",
        type: "counter",
        samples: [
          { labels: { outcome: "ok" }, value: 3 },
          { labels: { outcome: 'say "hi"\n' }, value: 0 },
        ],
      },
      { name: "demo_up", help: "Up.", type: "gauge", samples: [{ value: 1 }] },
    ]);
    expect(text).toBe(
      [
        "# HELP demo_runs_total Runs.\\nBy outcome \\\\ kind.",
        "# TYPE demo_runs_total counter",
        'demo_runs_total{outcome="ok"} 3',
        'demo_runs_total{outcome="say \\"hi\\"\\n"} 0',
        "# HELP demo_up Up.",
        "# TYPE demo_up gauge",
        "demo_up 1",
        "",
      ].join("\n"),
    );
  });

  it("turns per-bucket counts into cumulative buckets ending in +Inf, with _sum and _count", () => {
    const text = formatPrometheus([
      {
        name: "demo_seconds",
        help: "Latency.",
        type: "histogram",
        // 2 at ≤0.001, 0 in (0.001, 0.01], 3 in (0.01, 1], 1 above 1
        samples: [{ labels: { pool: "a" }, upperBounds: [0.001, 0.01, 1], counts: [2, 0, 3, 1], sum: 4.5, count: 6 }],
      },
    ]);
    expect(text.split("\n")).toEqual([
      "# HELP demo_seconds Latency.",
      "# TYPE demo_seconds histogram",
      'demo_seconds_bucket{pool="a",le="0.001"} 2',
      'demo_seconds_bucket{pool="a",le="0.01"} 2',
      'demo_seconds_bucket{pool="a",le="1"} 5',
      'demo_seconds_bucket{pool="a",le="+Inf"} 6',
      'demo_seconds_sum{pool="a"} 4.5',
      'demo_seconds_count{pool="a"} 6',
      "",
    ]);
  });

  it("writes special float values the way the format spells them", () => {
    expect(formatPrometheus([{ name: "x", help: "h", type: "gauge", samples: [{ value: NaN }, { value: Infinity }, { value: -Infinity }] }])).toContain("x NaN\nx +Inf\nx -Inf\n");
  });

  it.each([
    ["a metric name with a dash", { name: "bad-name", help: "h", type: "gauge" as const, samples: [{ value: 1 }] }],
    ["a reserved label name", { name: "ok", help: "h", type: "gauge" as const, samples: [{ labels: { __x: "1" }, value: 1 }] }],
    ["a histogram with a missing +Inf count", { name: "h", help: "h", type: "histogram" as const, samples: [{ upperBounds: [1], counts: [1], sum: 1, count: 1 }] }],
  ])("refuses %s", (_, family) => {
    expect(() => formatPrometheus([family])).toThrow();
  });
});

function fakeExecutorStats(): ExecutorStats {
  return {
    executors: [],
    alive: 2,
    executorRestarts: 1,
    inFlight: 0,
    queueDepth: 4,
    runLatencyMs: { bucketsMs: [1, 10], counts: [5, 1, 0], sumMs: 12, count: 6 },
    quarantinedRules: 0,
    noisy: { rules: 1, inFlight: 1, waiting: 3 },
    runsByOutcome: { ok: 4, error: 1, timeout: 0, memory: 0, output_limit: 0, blocked: 1, crashed: 0 },
    pool: { threads: 4, readyThreads: 3, queueSize: 0, completed: 6, workerRestarts: 2, byOutcome: { ok: 4, error: 1, timeout: 0, memory: 0, output_limit: 0, blocked: 0, crashed: 0 } },
    wall: null,
  };
}

const baseSnapshot: Omit<MetricsSnapshot, "executor"> = {
  recorder: { buffered: 3, written: 10, sampledOut: 0, dropped: 0, failedWrites: 0, poisoned: 0 },
  http: { executeUnauthorized: 7 },
  process: { residentMemoryBytes: 1000, heapUsedBytes: 500, startTimeSeconds: 1_700_000_000 },
};

describe("buildMetricFamilies", () => {
  it("reports runs by outcome, the latency histogram in seconds and the executor gauges", () => {
    const text = formatPrometheus(buildMetricFamilies({ ...baseSnapshot, executor: fakeExecutorStats() }));
    for (const line of [
      'rulebox_runs_total{outcome="ok"} 4',
      'rulebox_runs_total{outcome="blocked"} 1',
      'rulebox_runs_total{outcome="crashed"} 0',
      'rulebox_run_duration_seconds_bucket{le="0.001"} 5',
      'rulebox_run_duration_seconds_bucket{le="0.01"} 6',
      'rulebox_run_duration_seconds_bucket{le="+Inf"} 6',
      "rulebox_run_duration_seconds_sum 0.012",
      "rulebox_run_duration_seconds_count 6",
      "rulebox_executor_pool_threads 4",
      "rulebox_executor_pool_ready_threads 3",
      "rulebox_executor_queue_depth 4",
      "rulebox_executor_worker_restarts_total 2",
      "rulebox_executor_restarts_total 1",
      "rulebox_executor_processes_up 2",
      "rulebox_run_recorder_buffered 3",
      "rulebox_run_recorder_dropped_total 0",
      "rulebox_execute_unauthorized_total 7",
      "rulebox_executor_stats_available 1",
    ]) {
      expect(text.split("\n")).toContain(line);
    }
  });

  it("still reports the recorder and HTTP counters when the executor did not answer", () => {
    const text = formatPrometheus(buildMetricFamilies({ ...baseSnapshot, executor: null }));
    expect(text).toContain("rulebox_executor_stats_available 0\n");
    expect(text).toContain("rulebox_run_recorder_written_total 10\n");
    expect(text).not.toContain("rulebox_runs_total");
  });

  it("declares every family once with a TYPE matching its naming convention", () => {
    const families = buildMetricFamilies({ ...baseSnapshot, executor: fakeExecutorStats() });
    expect(new Set(families.map((f) => f.name)).size).toBe(families.length);
    for (const f of families) {
      if (f.name.endsWith("_total")) expect(f.type, f.name).toBe("counter");
      if (f.type === "counter") expect(f.name, f.name).toMatch(/_total$/);
    }
  });
});
