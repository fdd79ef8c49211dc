// Attack (fifth adversarial pass, 2026-12-08): once any escape reaches the real `import` (here
// annotationlib's fake-globals re-run of a rule's __annotate__, see annotate-fake-globals; the
// renamed-module and relayed-member escapes do the same), `pyodide.ffi.to_js([])` is a JavaScript
// array whose constructor chain is the worker's `Function`. JavaScript state is NOT part of the
// memory restore: a rule that replaces the worker's `JSON.parse` (which python-worker.ts uses to
// read every run's answer) rewrites the outcome of every LATER run on that worker, other tenants'
// included, until the worker is replaced. (With `to_js({})`, a Map, the hiwire table is left
// inconsistent instead and the next run fails with InterpreterError.)
// Safe: no escape reaches pyodide (the other files); behind that, the worker could keep its own
// references to what it calls (a captured JSON.parse), and freeze its realm's intrinsics before
// the first run.
import { expect, it } from "vitest";
import { PYTHON_PROBE_RULE, usePythonPool } from "../../testing/pool-fixture";

const fixture = usePythonPool();

const JS = "const p = JSON.parse; JSON.parse = function (t, r) { const v = p.call(this, t, r); if (v && v.o === 'ok') { v.o = 'error'; v.e = { name: 'Forged', message: 'LEAK', frames: [] }; } return v; }; return 1";

const ATTACK = [
  "import dataclasses",
  "box = [None, 0]",
  "@dataclasses.dataclass",
  "class P:",
  "    def __annotate__(format, box=box):",
  "        if format == 1:",
  "            return 1 // 0",
  "        if format == 3:",
  "            raise NotImplementedError",
  "        if box[1] == 0:",
  "            box[1] = 1",
  "            return 1 // 0",
  "        from pyodide.ffi import to_js",
  "        box[0] = to_js",
  "        return {}",
  "def rule(input, ctx):",
  `    box[0]([]).constructor.constructor(${JSON.stringify(JS)})()`,
  "    return 'attacked'",
  "",
].join("\n");

it("a later run's outcome is its own, whatever an earlier run did", async () => {
  await fixture.run(ATTACK);
  const victim = await fixture.run("def rule(input, ctx):\n    return 'victim'\n");
  expect(victim).toMatchObject({ outcome: "ok", output: "victim" });
  expect(JSON.stringify(victim)).not.toContain("LEAK");
  expect(await fixture.run(PYTHON_PROBE_RULE)).toMatchObject({ outcome: "ok" });
});
