// Python rules through the service, as a user and a caller meet them: saved as a version,
// executed over HTTP with an API key (single and batch), run from the editor endpoint, checked
// by the static policy (blocked with diagnostics), and isolated between runs.
import { describe, expect, it } from "vitest";
import { createRule, execute, executeBatch, get, post } from "../harness/api";

const PRICING = `from decimal import Decimal, ROUND_HALF_UP

def rule(input, ctx):
    total = sum(Decimal(str(i["price"])) * i["qty"] for i in input["items"])
    ctx.log("lines", len(input["items"]))
    discount = Decimal("0.1") if total > 100 else Decimal(0)
    return {"total": (total * (1 - discount)).quantize(Decimal("0.01"), ROUND_HALF_UP), "discount": float(discount)}
`;

describe("Python rules over HTTP", () => {
  it("saves a Python version and executes it with a key, single and batch", async () => {
    const ruleId = await createRule({ source: PRICING, language: "python" });
    const version = await get(`/api/rules/${ruleId}/versions/1`);
    expect(version.body).toMatchObject({ version: { language: "python" } });

    const single = await execute(ruleId, { input: { items: [{ price: 60, qty: 2 }] } });
    expect(single.status).toBe(200);
    expect(single.body).toMatchObject({ outcome: "ok", output: { total: "108.00", discount: 0.1 }, logs: [{ message: "lines 1" }] });

    const batch = await executeBatch(ruleId, { inputs: [{ items: [{ price: 1, qty: 1 }] }, { items: [] }, { nope: true }] });
    expect(batch.status).toBe(200);
    expect(batch.body.results.map((r: { outcome: string }) => r.outcome)).toEqual(["ok", "ok", "error"]);
    expect(batch.body.results[2].error).toMatchObject({ name: "KeyError", frames: [{ line: 4 }] });
  });

  it("blocks a rule the static policy refuses, with diagnostics, and runs nothing", async () => {
    const res = await post("/api/run", { source: "import os\n\ndef rule(input, ctx):\n    return os.getcwd()\n", language: "python", input: null });
    expect(res.status).toBe(200);
    expect(res.body.outcome).toBe("blocked");
    expect(res.body.diagnostics).toEqual([expect.objectContaining({ code: "RB610", line: 1, column: 8 })]);
    const analyzed = await post("/api/analyze", { source: "x = ().__class__\n\ndef rule(input, ctx):\n    return 1\n", language: "python" });
    expect(analyzed.body.diagnostics).toEqual([expect.objectContaining({ code: "RB630", line: 1, column: 8 })]);
  });

  it("reports a syntax error (blocked, with its line) and a traceback in the rule's own lines", async () => {
    const syntax = await post("/api/run", { source: "def rule(input, ctx)\n    return 1\n", language: "python", input: null });
    expect(syntax.body).toMatchObject({ outcome: "blocked", diagnostics: [{ code: "RB601", severity: "error", line: 1 }] });
    const thrown = await post("/api/run", { source: "def rule(input, ctx):\n    return 1 / input\n", language: "python", input: 0 });
    expect(thrown.body).toMatchObject({ outcome: "error", error: { name: "ZeroDivisionError", frames: [{ line: 2, functionName: "rule" }] } });
  });

  it("ends an endless loop as timeout and keeps serving", async () => {
    const loop = await post("/api/run", { source: "def rule(input, ctx):\n    while True:\n        pass\n", language: "python", input: null, limits: { timeoutMs: 100 } });
    expect(loop.body).toMatchObject({ outcome: "timeout", error: { limit: { name: "timeoutMs", value: 100 } } });
    const after = await post("/api/run", { source: "def rule(input, ctx):\n    return input\n", language: "python", input: 5 });
    expect(after.body).toMatchObject({ outcome: "ok", output: 5 });
  });

  it("shows no run another run's module changes", async () => {
    const plant = "import json\njson.planted = 'LEAK'\n\ndef rule(input, ctx):\n    return 'planted'\n";
    const probe = "import json\n\ndef rule(input, ctx):\n    return hasattr(json, 'planted')\n";
    for (let i = 0; i < 4; i++) expect((await post("/api/run", { source: plant, language: "python", input: null })).body.output).toBe("planted");
    for (let i = 0; i < 4; i++) expect((await post("/api/run", { source: probe, language: "python", input: null })).body.output).toBe(false);
  });
});
