// Attack: reach Pyodide's FFI (`pyodide.ffi`, `pyodide.code`, `_pyodide_core`, `js`, `pyodide_js`)
// from a rule, to touch JavaScript objects: the worker restores the interpreter's WebAssembly memory
// after every run, not the JavaScript side, so anything reached there is state a later run would
// see, and `pyodide_js`'s constructor chain is JavaScript's Function. runner.py removes every
// JS-bridging package and Pyodide's import hook from the import system once it is built (its
// self-test refuses to start otherwise); the guards refuse every module outside the allowlist.
import { expect, it } from "vitest";
import { PYTHON_PROBE_RULE, usePythonPool } from "../../testing/pool-fixture";

const fixture = usePythonPool();

it.each(["pyodide", "pyodide.ffi", "pyodide.code", "pyodide.http", "pyodide_js", "_pyodide", "_pyodide_core", "js", "micropip"])("refuses import %s", async (name) => {
  for (const source of [`import ${name}\ndef rule(input, ctx):\n    return 'LEAK'\n`, `from ${name} import x\ndef rule(input, ctx):\n    return 'LEAK'\n`]) {
    const result = await fixture.run(source);
    expect(result).toMatchObject({ outcome: "error" });
    expect(["ImportError", "PolicyError"]).toContain(result.error?.name);
  }
});

// Breadth-first from every allowed module, three steps deep, through the guarded getattr over
// dir(), container items and each object's type (~70,000 objects): none is a JavaScript proxy or
// anything of Pyodide's, and every module reached is an allowed one.
const WALK = "import json, math, decimal, fractions, datetime, time, re, statistics, collections, collections.abc, itertools, functools, operator, string, typing, random, copy, bisect, heapq, enum, dataclasses, textwrap, calendar, numbers\nROOTS = [json, math, decimal, fractions, datetime, time, re, statistics, collections, collections.abc, itertools, functools, operator, string, typing, random, copy, bisect, heapq, enum, dataclasses, textwrap, calendar, numbers]\nALLOWED = set(m.__name__ for m in ROOTS)\ndef rule(input, ctx):\n    depth_limit = input[\"depth\"]\n    seen = set()\n    keep = []\n    queue = [(m.__name__, 0, m) for m in ROOTS]\n    found = []\n    modules = set()\n    visited = 0\n    reads = 0\n    at = 0\n    while at < len(queue):\n        path, depth, obj = queue[at]\n        at += 1\n        if id(obj) in seen:\n            continue\n        seen.add(id(obj))\n        keep.append(obj)\n        visited += 1\n        kind = repr(type(obj))\n        if \"pyodide\" in kind or \"Js\" in kind or \"js\" in kind.split(\"'\")[1].split(\".\")[0:1]:\n            found.append(path + \": \" + kind)\n        if type(obj).__name__ == \"module\":\n            modules.add(obj.__name__)\n        if depth >= depth_limit:\n            continue\n        queue.append((path + \".<type>\", depth + 1, type(obj)))\n        try:\n            names = dir(obj)\n        except Exception:\n            names = []\n        for name in names:\n            try:\n                value = getattr(obj, name)\n            except Exception:\n                continue\n            reads += 1\n            queue.append((path + \".\" + name, depth + 1, value))\n        if type(obj) in (list, tuple, set, frozenset):\n            for i, value in enumerate(list(obj)[:100]):\n                queue.append((path + \"[%d]\" % i, depth + 1, value))\n        elif type(obj) is dict:\n            for key, value in list(obj.items())[:100]:\n                queue.append((path + \"[\" + repr(key)[:40] + \"]\", depth + 1, value))\n                queue.append((path + \".key\", depth + 1, key))\n    return {\"found\": found[:20], \"modules\": sorted(modules - ALLOWED), \"visited\": visited, \"reads\": reads}\n";

it("finds no JavaScript proxy and no Pyodide object through the allowed modules", async () => {
  const result = await fixture.run(WALK, { input: { depth: 3 }, limits: { timeoutMs: 30_000, memoryMb: 256 } });
  expect(result.outcome, JSON.stringify(result.error)).toBe("ok");
  const output = result.output as { found: string[]; modules: string[]; visited: number };
  expect(output.found).toEqual([]);
  expect(output.modules).toEqual([]);
  expect(output.visited).toBeGreaterThan(50_000);
});

it("still hands results, logs and errors back without the FFI in the import system", async () => {
  const source = "from decimal import Decimal\ndef rule(input, ctx):\n    ctx.log('got', input['n'])\n    print('total')\n    return {'n': input['n'] * 2, 'd': Decimal('1.10'), 'nested': [None, True, 1.5, 'é']}\n";
  const result = await fixture.run(source, { input: { n: 21 } });
  expect(result).toMatchObject({ outcome: "ok", output: { n: 42, d: "1.10", nested: [null, true, 1.5, "é"] } });
  expect(result.logs.map((l) => l.message)).toEqual(["got 21", "total"]);
  const failed = await fixture.run("def rule(input, ctx):\n    raise ValueError('nope')\n");
  expect(failed).toMatchObject({ outcome: "error", error: { name: "ValueError", message: "nope", frames: [{ line: 2 }] } });
  expect(await fixture.run(PYTHON_PROBE_RULE)).toMatchObject({ outcome: "ok" });
});
