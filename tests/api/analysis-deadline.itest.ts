// A source that makes the parser slow cannot stall the server: the policy check runs in a worker
// thread with a deadline (RULEBOX_ANALYSIS_TIMEOUT_MS, 2 s), and such a rule is blocked (RB004).
// Found by an adversarial review: nested `<T>(` in TypeScript (Babel backtracks exponentially)
// froze every request for minutes when the check ran on the server's own thread.
import { describe, expect, it } from "vitest";
import { get, post } from "../harness/api";

// Depth 26: minutes of parsing in Babel's TypeScript mode.
const SLOW_TS = `export default () => ${"<T>(".repeat(26)}x${")".repeat(26)};`;

describe("the policy check's deadline", () => {
  it("blocks a source whose check runs out of time, while other requests are answered meanwhile", async () => {
    const order: string[] = [];
    const slow = post("/api/analyze", { source: SLOW_TS, language: "typescript" }).then((res) => {
      order.push("analyze");
      return res;
    });
    const health = get("/api/health").then((res) => {
      order.push("health");
      return res;
    });
    const [analyzed, healthy] = await Promise.all([slow, health]);
    expect(healthy.status).toBe(200);
    expect(order).toEqual(["health", "analyze"]);
    expect(analyzed.status).toBe(200);
    expect(analyzed.body.diagnostics).toEqual([expect.objectContaining({ code: "RB004", severity: "error" })]);
  });

  it("answers a run of that source `blocked` with RB004 (fail closed), and the server keeps serving", async () => {
    const res = await post("/api/run", { source: SLOW_TS, language: "typescript", input: 1 });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ outcome: "blocked", diagnostics: [expect.objectContaining({ code: "RB004" })] });
    const ok = await post("/api/run", { source: "export default (i: number) => i + 1;", language: "typescript", input: 1 });
    expect(ok.body).toMatchObject({ outcome: "ok", output: 2 });
  });

  it("blocks a TypeScript source that TypeScript's own parser (the executor's type stripping) would take seconds on", async () => {
    const asyncNest = `export default function rule(input) { return ${"async(".repeat(24)}input${")".repeat(24)}; }`;
    const res = await post("/api/run", { source: asyncNest, language: "typescript", input: 1 });
    expect(res.body).toMatchObject({ outcome: "blocked", diagnostics: [expect.objectContaining({ code: "RB004" })] });
    const stats = (await get("/api/health")).body;
    expect(stats.executor.executors.every((e: { state: string }) => e.state === "ready")).toBe(true);
  });

  it("lists at most 100 problems for a source full of them", async () => {
    const res = await post("/api/analyze", { source: `export default () => 1;\n${"process;\n".repeat(5000)}`, language: "javascript" });
    expect(res.status).toBe(200);
    expect(res.body.diagnostics).toHaveLength(101);
    expect(res.body.diagnostics[100]).toMatchObject({ code: "RB005" });
  });
});
