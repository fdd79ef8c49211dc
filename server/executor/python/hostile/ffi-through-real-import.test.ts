// Attack (seventh adversarial pass, 2026-12-08): behind the real `__import__` (attribute-error-obj:
// UserString's real str.format walks to the real builtins, AttributeError.obj hands them out), the
// FFI's C module `_pyodide_core` is still importable: it is built in, so removing the `pyodide`
// packages from sys.modules and JsFinder from sys.meta_path does not take it away (the FFI walk in
// ffi-unreachable only searched objects reachable from the allowed modules). Its
// `create_proxy(x)` returns a JsProxy; `.constructor.constructor` is JavaScript's `Function`, so a
// rule runs JavaScript in the Python worker thread: `globalThis` (writable: a property set here is
// there for every later run), `process` (an object in the worker), the worker's `loadPyodide`.
// A later run that uses the FFI again fails with "hiwire_incref on invalid reference" (the JS
// handle table is not restored with the memory).
// Safe: the rule never reaches a JsProxy (the escape is closed, and `_pyodide_core` cannot be
// imported once the runner is built), so no JavaScript runs and globalThis is unchanged.
import { expect, it } from "vitest";
import { PYTHON_PROBE_RULE, usePythonPool } from "../../testing/pool-fixture";

const fixture = usePythonPool();

const SOURCE = [
  "from collections import UserString",
  "def grab(path, root):",
  "    try:",
  "        UserString('{0.' + path + '.rbx_missing}').format(root)",
  "    except AttributeError as error:",
  "        return error.obj",
  "def rule(input, ctx):",
  "    try:",
  "        try:",
  "            1 / 0",
  "        except Exception as e:",
  "            err = e",
  "        imp = grab('__traceback__.tb_frame.f_back.f_globals[__builtins__].__dict__[__import__]', err)",
  "        js_function = imp('_pyodide_core').create_proxy([1]).constructor.constructor",
  "        return 'LEAK:' + str(js_function(\"globalThis.rbxPlanted = 'planted'; return typeof process + ' ' + typeof globalThis.loadPyodide\")())",
  "    except Exception as refused:",
  "        return 'refused: ' + type(refused).__name__",
  "",
].join("\n");

it("does not let a rule run JavaScript through _pyodide_core (JsProxy → Function)", async () => {
  const result = await fixture.run(SOURCE);
  expect(JSON.stringify(result)).not.toContain("LEAK");
  expect(await fixture.run(PYTHON_PROBE_RULE)).toMatchObject({ outcome: "ok" });
});
