// The server's policy check: in worker threads, cached, with a deadline that blocks (RB004) a
// source the parser would take minutes on, and fail-closed (RB000) when the worker cannot run.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import * as esbuild from "esbuild";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { analysisWorkerBuildOptions } from "./build-options.mjs";

let distDir = "";
beforeAll(async () => {
  distDir = mkdtempSync(path.join(os.tmpdir(), "rulebox-analysis-"));
  await esbuild.build({ ...analysisWorkerBuildOptions({ outDir: distDir, quiet: true }) });
}, 60_000);
afterAll(() => rmSync(distDir, { recursive: true, force: true }));

async function freshModule(env: Record<string, string>) {
  vi.resetModules();
  delete (globalThis as Record<symbol, unknown>)[Symbol.for("rulebox.executor")];
  for (const [k, v] of Object.entries(env)) vi.stubEnv(k, v);
  return import("./analysis-pool");
}

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
  vi.unstubAllEnvs();
});

// Depth 26 takes Babel's TypeScript mode minutes.
const SLOW_TS = `export default () => ${"<T>(".repeat(26)}x${")".repeat(26)};`;

describe("analyzeOffThread", () => {
  it("answers the analyzer's diagnostics from a worker, and caches the verdict", async () => {
    const mod = await freshModule({ RULEBOX_EXECUTOR_DIST: distDir });
    close = mod.closeAnalysisPool;
    const first = await mod.analyzeOffThread("export default () => process;", "javascript");
    expect(first).toEqual([expect.objectContaining({ code: "RB201", severity: "error" })]);
    expect(await mod.analyzeOffThread("export default () => process;", "javascript")).toBe(first);
    expect(await mod.analyzeOffThread("export default () => process;", "typescript")).not.toBe(first);
  });

  it("shares one check among concurrent requests for the same source", async () => {
    const mod = await freshModule({ RULEBOX_EXECUTOR_DIST: distDir });
    close = mod.closeAnalysisPool;
    const source = "export default () => process; // burst";
    const answers = await Promise.all(Array.from({ length: 6 }, () => mod.analyzeOffThread(source, "javascript")));
    expect(answers[0]).toEqual([expect.objectContaining({ code: "RB201" })]);
    for (const answer of answers) expect(answer).toBe(answers[0]);
    // One thread did it: the pool never grew past its first thread for the burst.
    const { executorGlobal } = await import("./singleton");
    expect(executorGlobal().analysisPool!.threads.length).toBe(1);
  });

  it("blocks a source whose check outlives the deadline (RB004), then serves the next one", async () => {
    const mod = await freshModule({ RULEBOX_EXECUTOR_DIST: distDir, RULEBOX_ANALYSIS_TIMEOUT_MS: "300" });
    close = mod.closeAnalysisPool;
    const slow = await mod.analyzeOffThread(SLOW_TS, "typescript");
    expect(slow).toEqual([expect.objectContaining({ code: "RB004", severity: "error" })]);
    expect(slow[0]!.message).toContain("300 ms");
    expect(await mod.analyzeOffThread("export default (x: number) => x;", "typescript")).toEqual([]);
    // Babel parses this one at once; TypeScript's own parser (the executor strips types with it)
    // takes seconds: the check parses it too, so it is blocked here, not in the executor.
    const asyncNest = `export default function rule(input) { return ${"async(".repeat(24)}input${")".repeat(24)}; }`;
    expect(await mod.analyzeOffThread(asyncNest, "typescript")).toEqual([expect.objectContaining({ code: "RB004" })]);
    expect(await mod.analyzeOffThread(asyncNest, "javascript")).toEqual([]);
  }, 30_000);

  it("never blocks a source whose time ran out while it waited for a thread: busy, not RB004", async () => {
    const mod = await freshModule({ RULEBOX_EXECUTOR_DIST: distDir, RULEBOX_ANALYSIS_TIMEOUT_MS: "300" });
    close = mod.closeAnalysisPool;
    // Both threads busy with sources that run out of time; a benign one queues behind them.
    const slow = [1, 2].map((i) => mod.analyzeOffThread(`${SLOW_TS}\n// ${i}`, "typescript"));
    const benign = "export default (x: number) => x * 2;";
    const queued = mod.analyzeOffThread(benign, "typescript").then(
      (diagnostics) => ({ diagnostics }),
      (error: unknown) => ({ error }),
    );
    for (const s of await Promise.all(slow)) expect(s).toEqual([expect.objectContaining({ code: "RB004" })]);
    const answer = await queued;
    if ("error" in answer) expect((answer.error as Error).name).toBe("ExecutorBusyError");
    else expect(answer.diagnostics).toEqual([]);
    // Whatever it was answered under load, its verdict on a free thread is its own.
    expect(await mod.analyzeOffThread(benign, "typescript")).toEqual([]);
  }, 30_000);

  it("fails closed (RB000) when the worker bundle is missing, without caching that", async () => {
    const mod = await freshModule({ RULEBOX_EXECUTOR_DIST: path.join(distDir, "nowhere") });
    close = mod.closeAnalysisPool;
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    const first = await mod.analyzeOffThread("export default () => 1;", "javascript");
    expect(first).toEqual([expect.objectContaining({ code: "RB000", severity: "error" })]);
    expect(errors).toHaveBeenCalledWith(expect.stringMatching(/analysis worker bundle is missing/));
    expect(await mod.analyzeOffThread("export default () => 1;", "javascript")).not.toBe(first);
  });
});
