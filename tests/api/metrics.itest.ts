// GET /api/metrics: Prometheus text whose counters move with the runs the app answers.
import { describe, expect, it } from "vitest";
import { baseUrl, call, createRule, execute, post } from "../harness/api";

interface Scrape {
  contentType: string | null;
  text: string;
  /** Series (name plus labels, as written) → value. */
  values: Map<string, number>;
}

async function scrape(): Promise<Scrape> {
  const res = await fetch(`${baseUrl()}/api/metrics`);
  expect(res.status).toBe(200);
  const text = await res.text();
  const values = new Map<string, number>();
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*(?:\{[^}]*\})?) (\S+)$/.exec(line);
    expect(match, `malformed sample line: ${line}`).not.toBeNull();
    values.set(match![1]!, Number(match![2]));
  }
  return { contentType: res.headers.get("content-type"), text, values };
}

const value = (s: Scrape, series: string) => {
  const v = s.values.get(series);
  expect(v, `series ${series} missing`).toBeTypeOf("number");
  return v!;
};

describe("GET /api/metrics", () => {
  it("is Prometheus text with HELP and TYPE for every family", async () => {
    const s = await scrape();
    expect(s.contentType).toBe("text/plain; version=0.0.4; charset=utf-8");
    for (const family of [
      "rulebox_runs_total counter",
      "rulebox_run_duration_seconds histogram",
      "rulebox_executor_pool_threads gauge",
      "rulebox_executor_queue_depth gauge",
      "rulebox_executor_worker_restarts_total counter",
      "rulebox_executor_restarts_total counter",
      "rulebox_executor_processes_up gauge",
      "rulebox_run_recorder_buffered gauge",
      "rulebox_run_recorder_dropped_total counter",
      "rulebox_execute_unauthorized_total counter",
    ]) {
      expect(s.text).toContain(`# TYPE ${family}\n`);
      expect(s.text).toContain(`# HELP ${family.split(" ")[0]} `);
    }
    expect(value(s, "rulebox_executor_stats_available")).toBe(1);
    expect(value(s, "rulebox_executor_processes_up")).toBeGreaterThanOrEqual(1);
    expect(value(s, "rulebox_executor_pool_threads")).toBeGreaterThanOrEqual(1);
    expect(value(s, 'rulebox_run_duration_seconds_bucket{le="+Inf"}')).toBe(value(s, "rulebox_run_duration_seconds_count"));
  });

  it("counts runs by outcome, their latency, and refused execute requests", async () => {
    const id = await createRule({ source: "export default (input) => { if (input.fail) throw new Error('no'); return input; }" });
    const before = await scrape();
    const ok = await Promise.all([1, 2, 3].map((n) => execute(id, { input: { n } })));
    expect(ok.map((r) => r.body.outcome)).toEqual(["ok", "ok", "ok"]);
    expect((await execute(id, { input: { fail: true } })).body.outcome).toBe("error");
    expect((await post("/api/run", { source: "import fs from 'fs'; export default () => fs", input: 1 })).body.outcome).toBe("blocked");
    expect((await call("POST", `/api/rules/${id}/execute`, { input: {} })).status).toBe(401);
    const after = await scrape();

    const delta = (series: string) => value(after, series) - value(before, series);
    // Other files' tests do not run concurrently (fileParallelism: false), so the deltas are exact.
    expect(delta('rulebox_runs_total{outcome="ok"}')).toBe(3);
    expect(delta('rulebox_runs_total{outcome="error"}')).toBe(1);
    expect(delta('rulebox_runs_total{outcome="blocked"}')).toBe(1);
    expect(delta("rulebox_run_duration_seconds_count")).toBe(4);
    expect(delta("rulebox_run_duration_seconds_sum")).toBeGreaterThan(0);
    expect(delta("rulebox_execute_unauthorized_total")).toBe(1);
    // Buckets are cumulative: never decreasing with le, ending at the count.
    const buckets = [...after.values].filter(([k]) => k.startsWith("rulebox_run_duration_seconds_bucket")).map(([, v]) => v);
    expect(buckets.length).toBeGreaterThan(5);
    expect([...buckets].sort((a, b) => a - b)).toEqual(buckets);
  });
});
