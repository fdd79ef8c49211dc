// The hostile suite twice, as deployed: (1) through the service — POST /api/run on the started app,
// analyzer on, executor behind its process wall; (2) with the static check bypassed — straight to a
// supervisor and its executor processes, so only the runtime layers and the wall stand. Each attack
// reports "LEAK" if it reached anything it should not; a rule's failure must be an outcome.
// (The per-attack files in server/executor/hostile/ prove the pool in-process in detail.)
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Language, Outcome, RunResult } from "../contracts/run";
import { ExecutorSupervisor } from "./supervisor";

const ROOT = path.resolve(__dirname, "../..");
const LIMITS = { timeoutMs: 500, memoryMb: 64, maxOutputBytes: 65_536, maxLogBytes: 16_384 };
const PWNED_FILE = path.join(os.tmpdir(), "rulebox-hostile-pwned");
const LEAK_CHECK = `(x) => (typeof x === "object" || typeof x === "function") && x !== null ? "LEAK" : "safe"`;

interface Attack {
  name: string;
  source: string;
  /** javascript unless said. */
  language?: Language;
  input?: unknown;
  limits?: Partial<typeof LIMITS>;
  /** Outcomes that are a correct answer to this attack (blocked is always accepted with the analyzer on). */
  outcomes: Outcome[];
}

const ATTACKS: Attack[] = [
  { name: "process global", source: `const leak = ${LEAK_CHECK}; export default () => leak(globalThis.process);`, outcomes: ["ok", "error"] },
  { name: "Function constructor", source: `export default () => Function("return typeof process === 'object' ? 'LEAK' : 'safe'")();`, outcomes: ["ok", "error"] },
  { name: "constructor chain through input", source: `export default (input) => input.constructor.constructor("return typeof process === 'object' ? 'LEAK' : 'safe'")();`, input: {}, outcomes: ["ok", "error"] },
  { name: "constructor chain through an error", source: `export default () => { try { null.x; } catch (e) { return e.constructor.constructor("return typeof process === 'object' ? 'LEAK' : 'safe'")(); } };`, outcomes: ["ok", "error"] },
  { name: "constructor chain through a promise", source: `export default async () => Promise.resolve().constructor.constructor("return typeof process === 'object' ? 'LEAK' : 'safe'")();`, outcomes: ["ok", "error"] },
  {
    name: "symbol-named error stack",
    source: `export default () => { const e = new Error("x"); e.name = Symbol("s"); try { return typeof e.stack; } catch (err) { return err.constructor.constructor("return typeof process === 'object' ? 'LEAK' : 'safe'")(); } };`,
    outcomes: ["ok", "error"],
  },
  { name: "prepareStackTrace", source: `export default () => { Error.prepareStackTrace = (e, frames) => frames.map((f) => typeof f.getFunction?.()); return String(new Error("x").stack).includes("function") ? "LEAK" : "safe"; };`, outcomes: ["ok", "error"] },
  { name: "require", source: `export default () => (typeof require === "function" ? require("fs").readFileSync("/etc/passwd", "utf8") && "LEAK" : "safe");`, outcomes: ["ok", "error"] },
  { name: "dynamic import of fs", source: `export default async () => { const fs = await import("node:fs"); fs.writeFileSync(${JSON.stringify(PWNED_FILE)}, "x"); return "LEAK"; };`, outcomes: ["error"] },
  { name: "process.binding", source: `export default () => { const p = globalThis.process; return p && typeof p.binding === "function" && p.binding("fs") ? "LEAK" : "safe"; };`, outcomes: ["ok", "error"] },
  { name: "process.exit", source: `export default () => { globalThis.process?.exit?.(1); return "safe"; };`, outcomes: ["ok", "error"] },
  { name: "network (fetch)", source: `export default async () => { await fetch("http://127.0.0.1:9/"); return "LEAK"; };`, outcomes: ["error"] },
  { name: "sync endless loop", source: `export default () => { for (;;) {} };`, outcomes: ["timeout"] },
  { name: "microtask loop", source: `export default () => { const spin = () => Promise.resolve().then(spin); spin(); return new Promise(() => {}); };`, outcomes: ["timeout"] },
  { name: "never-settling promise", source: `export default () => new Promise(() => {});`, outcomes: ["timeout"] },
  { name: "ReDoS", source: `export default () => /^(a+)+$/.test("a".repeat(40) + "!");`, outcomes: ["timeout"] },
  { name: "Atomics.wait", source: `export default () => { Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0); return "LEAK"; };`, outcomes: ["timeout", "error"] },
  { name: "heap bomb", source: `export default () => { const keep = []; for (;;) keep.push({ a: Math.random(), b: [1, 2, 3] }); };`, limits: { timeoutMs: 10_000 }, outcomes: ["memory", "crashed"] },
  { name: "output flood", source: `export default () => "x".repeat(5_000_000);`, outcomes: ["output_limit"] },
  {
    name: "serialization heap bomb (toJSON returns ~128 MiB strings)",
    source: `export default () => ({ toJSON() { const s = "x".repeat(2 ** 27); return [s, s + "y", s + "z"]; } });`,
    limits: { timeoutMs: 5_000, memoryMb: 256, maxOutputBytes: 1_048_576 },
    outcomes: ["output_limit"],
  },
  {
    name: "log heap bomb",
    source: `export default () => { const s = "x".repeat(2 ** 27); console.log({ toJSON: () => [s, s, s] }, s, s); return "done"; };`,
    limits: { timeoutMs: 5_000, memoryMb: 256 },
    outcomes: ["ok"],
  },
  { name: "dayjs Utils plant", source: `import dayjs from "dayjs";\nexport default (input) => { dayjs()[input.k]().stash = "LEAK"; return "planted"; };`, input: { k: "$utils" }, outcomes: ["error"] },
  { name: "dayjs Utils seen by the next run", source: `import dayjs from "dayjs";\nexport default (input) => (dayjs()[input.k]().stash === undefined && dayjs(0).format("YYYY") === "1970" ? "safe" : "LEAK");`, input: { k: "$utils" }, outcomes: ["ok"] },
  { name: "log flood", source: `export default () => { for (let i = 0; i < 20000; i++) console.log("spam " + i); return "done"; };`, outcomes: ["ok", "timeout"] },
  { name: "intrinsic pollution", source: `export default () => { Object.prototype.polluted = "LEAK"; Array.prototype.map = () => "LEAK"; return "done"; };`, outcomes: ["ok", "error"] },
  { name: "pollution seen by the next run", source: `export default () => (({}).polluted === undefined && [1].map((x) => x)[0] === 1 ? "safe" : "LEAK");`, outcomes: ["ok"] },
];

// The same promise for Python rules (server/executor/python/): the guards of runner.py and the
// interpreter's memory restore hold without the static check. Each attack returns "LEAK" if it got
// through. Order matters where a "seen by the next run" attack follows its plant.
const py = (body: string, preamble = "") => `${preamble}def rule(input, ctx):\n${body.replace(/^/gm, "    ")}\n`;
const PYTHON_ATTACKS: Attack[] = ([
  { name: "py: import js (the worker's globals)", source: py("return 'LEAK' if js.process else 'safe'", "import js\n"), outcomes: ["error"] },
  { name: "py: import os", source: py(`os.system('touch ${PWNED_FILE}')\nreturn 'LEAK'`, "import os\n"), outcomes: ["error"] },
  { name: "py: __import__ by name", source: py("return 'LEAK' if __import__('sys') else 'safe'"), outcomes: ["error"] },
  { name: "py: open a file", source: py(`open('${PWNED_FILE}', 'w').write('x')\nreturn 'LEAK'`), outcomes: ["error"] },
  { name: "py: eval", source: py("return eval(\"'LE' + 'AK'\")"), outcomes: ["error"] },
  { name: "py: subclasses walk", source: py("return ['LEAK' for c in ().__class__.__base__.__subclasses__() if 'wrap_close' in c.__name__]"), outcomes: ["error"] },
  { name: "py: subclasses walk by getattr", source: py("t = getattr((), '__cl' + 'ass__')\nreturn 'LEAK' if getattr(t, '__ba' + 'se__') else 'safe'"), outcomes: ["error"] },
  { name: "py: str.format attribute walk", source: py("return '{0.__class__.__base__.__subclasses__}'.format(()) and 'LEAK'"), outcomes: ["error"] },
  { name: "py: traceback frame walk", source: py("try:\n    1 / 0\nexcept Exception as e:\n    return 'LEAK' if e.__traceback__.tb_frame.f_back.f_globals else 'safe'"), outcomes: ["error"] },
  { name: "py: generator frame walk", source: py("g = (x for x in [1])\nreturn 'LEAK' if g.gi_frame.f_back else 'safe'"), outcomes: ["error"] },
  { name: "py: a module's own sys", source: py("return 'LEAK' if statistics.sys.modules else 'safe'", "import statistics\n"), outcomes: ["error"] },
  { name: "py: endless loop", source: py("while True:\n    pass"), outcomes: ["timeout"] },
  { name: "py: loop that catches the interrupt", source: py("while True:\n    try:\n        while True:\n            pass\n    except BaseException:\n        pass"), outcomes: ["timeout"] },
  { name: "py: time.sleep", source: py("time.sleep(60)\nreturn 'LEAK'", "import time\n"), outcomes: ["error", "timeout"] },
  { name: "py: unbounded recursion", source: py("def f(n):\n    return f(n + 1)\nreturn f(0)"), outcomes: ["error"] },
  { name: "py: memory bomb", source: py("keep = []\nwhile True:\n    keep.append('x' * 1_000_000)"), limits: { timeoutMs: 5_000 }, outcomes: ["memory"] },
  { name: "py: output flood", source: py("return 'x' * 5_000_000"), outcomes: ["output_limit"] },
  { name: "py: print flood", source: py("for i in range(50_000):\n    print('spam', i)\nreturn 'done'"), limits: { timeoutMs: 2_000 }, outcomes: ["ok", "timeout"] },
  { name: "py: module plant", source: py("return 'planted'", "import json, decimal\njson.dumps = lambda *a, **k: 'LEAK'\njson.planted = 'LEAK'\ndecimal.getcontext().prec = 2\n"), outcomes: ["ok", "error"] },
  {
    name: "py: module plant seen by the next run",
    source: py("ok = json.dumps([1]) == '[1]' and not hasattr(json, 'planted') and str(decimal.Decimal(1) / 3) == '0.3333333333333333333333333333'\nreturn 'safe' if ok else 'LEAK'", "import json, decimal\n"),
    outcomes: ["ok"],
  },
  { name: "py: input kept in module state", source: py("SEEN.append(input)\nreturn len(SEEN)", "SEEN = []\n"), input: "secret", outcomes: ["ok"] },
  { name: "py: input seen by the next run", source: py("SEEN.append(input)\nreturn 'safe' if len(SEEN) == 1 else 'LEAK'", "SEEN = []\n"), input: "other", outcomes: ["ok"] },
] as Attack[]).map((attack) => ({ ...attack, language: "python" as const }));

type RunVia = (attack: Attack) => Promise<RunResult>;

function checkAnswer(attack: Attack, result: RunResult, analyzerOn: boolean): void {
  const allowed: Outcome[] = analyzerOn ? [...attack.outcomes, "blocked"] : attack.outcomes;
  expect(allowed, `${attack.name}: got ${result.outcome} ${JSON.stringify(result.error ?? result.output ?? "").slice(0, 200)}`).toContain(result.outcome);
  expect(JSON.stringify(result.output ?? null)).not.toContain("LEAK");
  if (result.outcome === "blocked") expect(result.diagnostics?.length).toBeGreaterThan(0);
}

function suite(mode: string, analyzerOn: boolean, setup: () => Promise<RunVia>, teardown: () => Promise<void>) {
  describe(mode, () => {
    let runVia: RunVia;
    beforeAll(async () => {
      fs.rmSync(PWNED_FILE, { force: true });
      runVia = await setup();
    });
    afterAll(teardown);

    // Sequential on purpose: "pollution seen by the next run" must follow "intrinsic pollution"
    // ("dayjs Utils seen by the next run" likewise), and the probe shows the executor still serves.
    it("answers every attack with a safe outcome and keeps serving", async () => {
      for (const attack of [...ATTACKS, ...PYTHON_ATTACKS]) checkAnswer(attack, await runVia(attack), analyzerOn);
      const pyProbe = await runVia({ name: "py probe", source: py("return {'echo': input}"), language: "python", input: 7, outcomes: ["ok"] });
      expect(pyProbe).toMatchObject({ outcome: "ok", output: { echo: 7 } });
      const probe = await runVia({ name: "probe", source: "export default (input) => ({ echo: input });", input: 7, outcomes: ["ok"] });
      expect(probe).toMatchObject({ outcome: "ok", output: { echo: 7 } });
      expect(fs.existsSync(PWNED_FILE)).toBe(false);
    }, 180_000);
  });
}

suite(
  "through the service (POST /api/run, analyzer on)",
  true,
  async () => {
    const baseUrl = inject("baseUrl");
    const cookie = inject("adminCookie");
    return async (attack) => {
      const res = await fetch(`${baseUrl}/api/run`, {
        method: "POST",
        headers: { "content-type": "application/json", cookie },
        body: JSON.stringify({ source: attack.source, language: attack.language ?? "javascript", input: attack.input ?? null, limits: { ...LIMITS, ...attack.limits } }),
      });
      expect(res.status, `${attack.name}: HTTP ${res.status}`).toBe(200);
      return (await res.json()) as RunResult;
    };
  },
  async () => {},
);

let supervisor: ExecutorSupervisor | undefined;
suite(
  "static check bypassed (supervisor → executor processes, runtime layers only)",
  false,
  async () => {
    execFileSync(process.execPath, [path.join(ROOT, "scripts/build-executor.mjs"), "--quiet", "--if-stale"], { stdio: "inherit" });
    supervisor = new ExecutorSupervisor({ distDir: path.join(ROOT, ".executor-dist"), log: () => {}, env: { ...process.env, RULEBOX_PYTHON_RULES: "on" } });
    await supervisor.ready(60_000);
    const active = supervisor;
    return (attack) => active.run({ source: attack.source, language: attack.language ?? "javascript", input: attack.input ?? null, limits: { ...LIMITS, ...attack.limits }, clock: 0 });
  },
  async () => {
    await supervisor?.shutdown(1_000);
  },
);
