// Attack (seventh adversarial pass, 2026-12-08): an AttributeError carries the object whose
// attribute was missing in its public `.obj` attribute (CPython 3.10+; `PyObject_GetAttr` sets it
// on every failed lookup, in C too). The guard checks what a rule reads, but anything C code looked
// up for the rule and then failed on comes back as `error.obj`. With the real `str.format`
// (`collections.UserString(template).format`, see userstring-real-format.test.ts), a field path
// walks from a caught exception (tb_frame.f_back.f_back) to the runner's frame and the real builtins' namespace dict, and
// one missing attribute at its end (`...__dict__[__import__].rbx_missing`) hands the object at that
// point to the rule: the REAL `__import__`, so `os` (the emscripten FS: os.listdir('/')), `sys`
// (sys.modules, with `_pyodide_core`, the FFI's C module, still importable) and anything else.
// Safe: the walk is refused (UserString's format is the checked one), and no AttributeError a rule
// can catch hands out an object the guard would not (its `obj` is refused or cleared), so the real
// `__import__` never reaches the rule.
import { expect, it } from "vitest";
import { PYTHON_PROBE_RULE, usePythonPool } from "../../testing/pool-fixture";

const fixture = usePythonPool();

const GRAB = [
  "from collections import UserString",
  "def grab(path, root):",
  "    try:",
  "        UserString('{0.' + path + '.rbx_missing}').format(root)",
  "    except AttributeError as error:",
  "        return error.obj",
  "def real_import():",
  "    try:",
  "        1 / 0",
  "    except Exception as e:",
  "        return grab('__traceback__.tb_frame.f_back.f_back.f_globals[__builtins__].__dict__[__import__]', e)",
  "",
].join("\n");

it.each([
  ["os.listdir('/') (the emscripten FS)", "    return 'LEAK:' + ','.join(real_import()('os').listdir('/'))\n"],
  ["sys.modules", "    return 'LEAK:' + ','.join(sorted(real_import()('sys').modules)[:5])\n"],
  ["the FFI's C module _pyodide_core", "    return 'LEAK:' + str(real_import()('_pyodide_core'))\n"],
])("does not hand a rule the real __import__ through AttributeError.obj: %s", async (_name, body) => {
  const source = GRAB + "def rule(input, ctx):\n    try:\n    " + body + "    except Exception as refused:\n        return 'refused: ' + type(refused).__name__\n";
  const result = await fixture.run(source);
  expect(JSON.stringify(result)).not.toContain("LEAK");
  expect(await fixture.run(PYTHON_PROBE_RULE)).toMatchObject({ outcome: "ok" });
});

