// runRule's own logic (fail-closed analysis, limits, clock, the static-check bypass), with the
// analyzer and the supervisor replaced by fakes; the real supervisor is tested in supervisor.test.ts.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Diagnostic } from "../contracts/run";

const analyzeSource = vi.fn<(source: string, language: string) => Diagnostic[]>();
const runs: unknown[] = [];

vi.mock("@/server/analysis/analyze", () => ({
  hasBlockingDiagnostics: (d: Diagnostic[]) => d.some((x) => x.severity === "error"),
}));

// The off-thread check and its cache are tested in analysis-pool.test.ts.
vi.mock("./analysis-pool", () => ({
  analyzeOffThread: (source: string, language: string) => Promise.resolve(analyzeSource(source, language)),
  closeAnalysisPool: () => Promise.resolve(),
}));

vi.mock("./supervisor", () => ({
  ExecutorSupervisor: class {
    start() {
      return Promise.resolve();
    }
    run(task: { clock: number; input: unknown }) {
      runs.push(task);
      return Promise.resolve({ outcome: "ok", output: task.input, logs: [], durationMs: 0.1, clock: task.clock });
    }
  },
}));

const ERROR: Diagnostic = { code: "forbidden-global", message: "process is not available", severity: "error", line: 1, column: 1, endLine: 1, endColumn: 8 };
const WARNING: Diagnostic = { ...ERROR, code: "unused", severity: "warning" };

async function freshModule() {
  vi.resetModules();
  delete (globalThis as Record<symbol, unknown>)[Symbol.for("rulebox.executor")];
  return import("./index");
}

describe("runRule", () => {
  beforeEach(() => {
    analyzeSource.mockReset();
    runs.length = 0;
  });
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
  });

  it("fails closed: blocking diagnostics never reach the executor", async () => {
    const { runRule } = await freshModule();
    analyzeSource.mockReturnValue([ERROR]);
    const result = await runRule({ source: "export default () => process", language: "javascript", input: 1, clock: 42 });
    expect(result).toEqual({ outcome: "blocked", diagnostics: [ERROR], logs: [], durationMs: 0, clock: 42 });
    expect(runs).toEqual([]);
  });

  it("runs when only warnings are found, with resolved limits and the current time as clock", async () => {
    const { runRule, getLimitCaps } = await freshModule();
    analyzeSource.mockReturnValue([WARNING]);
    const before = Date.now();
    const result = await runRule({ source: "export default (x) => x", language: "typescript", input: { a: 1 }, limits: { timeoutMs: 50 } });
    expect(result.outcome).toBe("ok");
    expect(runs).toEqual([expect.objectContaining({ language: "typescript", input: { a: 1 }, limits: { ...getLimitCaps().defaults, timeoutMs: 50 } })]);
    expect(result.clock).toBeGreaterThanOrEqual(before);
  });

  it("rejects limits above the caps before analyzing or running", async () => {
    const { runRule, LimitsError } = await freshModule();
    await expect(runRule({ source: "x", language: "javascript", input: null, limits: { timeoutMs: 10_000_000 } })).rejects.toBeInstanceOf(LimitsError);
    expect(analyzeSource).not.toHaveBeenCalled();
    expect(runs).toEqual([]);
  });

  it("with RULEBOX_SKIP_STATIC_CHECK=1 skips the analyzer and says so loudly, once", async () => {
    vi.stubEnv("RULEBOX_SKIP_STATIC_CHECK", "1");
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const { runRule } = await freshModule();
    analyzeSource.mockReturnValue([ERROR]);
    const first = await runRule({ source: "export default () => process", language: "javascript", input: 1 });
    await runRule({ source: "export default () => process", language: "javascript", input: 2 });
    expect(first.outcome).toBe("ok");
    expect(analyzeSource).not.toHaveBeenCalled();
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]![0])).toMatch(/RULEBOX_SKIP_STATIC_CHECK=1/);
  });
});
