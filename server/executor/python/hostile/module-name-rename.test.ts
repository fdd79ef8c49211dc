// Attack (fifth adversarial pass, 2026-12-08): the guard looks a module's refused members up by the
// module's own `__name__` (its real namespace's "__name__"), and `__name__` is one of the
// underscore names a rule may write. `typing.__name__ = 'x'` (an attribute store, which is not
// routed through the guard at all; `setattr(typing, '__name__', 'x')` passes it too) turns every
// refused member of that module into an allowed one: typing.get_type_hints then evaluates a string
// annotation with eval() and the real builtins (`__import__` of anything, sys.modules, pyodide.ffi
// and through it JavaScript's Function and the worker's `process`); operator.attrgetter reads
// __globals__; string.Formatter and functools.singledispatch come back too.
// Safe: a module's refused members stay refused whatever its `__name__` says (look them up by the
// module object's identity, fixed at start), and/or a rule cannot write a module's attributes.
import { expect, it } from "vitest";
import { PYTHON_PROBE_RULE, usePythonPool } from "../../testing/pool-fixture";

const fixture = usePythonPool();

const JS = "(lambda v: lambda: v)(__import__('pyodide').ffi.to_js({}).constructor.constructor('return \\'LEAK:\\' + [typeof process, process.pid > 0].join()')())";

it.each([
  [
    "typing.get_type_hints → eval → pyodide.ffi → JavaScript Function",
    `import typing\ndef rule(input, ctx):\n    typing.__name__ = 'x'\n    def f(x: ${JSON.stringify(JS)}): pass\n    return typing.get_type_hints(f, globalns={})['x']()\n`,
  ],
  [
    "typing.get_type_hints → sys.modules",
    "import typing\ndef rule(input, ctx):\n    typing.__name__ = 'x'\n    def f(x: \"__import__('sys')\"): pass\n    sys = typing.get_type_hints(f, globalns={})['x']\n    return 'LEAK:' + ','.join(sorted(sys.modules)[:5])\n",
  ],
  [
    "setattr(typing, '__name__', ...)",
    "import typing\ndef rule(input, ctx):\n    setattr(typing, '__name__', 'x')\n    def f(x: \"__import__('os')\"): pass\n    return 'LEAK:' + str(typing.get_type_hints(f, globalns={})['x'].listdir('/'))\n",
  ],
  [
    "operator.attrgetter('__globals__')",
    "import operator, json\ndef rule(input, ctx):\n    operator.__name__ = 'x'\n    g = operator.attrgetter('__globals__')(json.dumps)\n    return 'LEAK:' + str(g['__builtins__'])[:40]\n",
  ],
  [
    "string.Formatter",
    "import string, json\ndef rule(input, ctx):\n    string.__name__ = 'x'\n    return 'LEAK:' + string.Formatter().format('{0.__globals__}', json.dumps)[:40]\n",
  ],
  [
    "functools.singledispatch",
    "import functools\ndef rule(input, ctx):\n    functools.__name__ = 'x'\n    return 'LEAK:' + str(functools.singledispatch)\n",
  ],
])("refuses a renamed module's refused members: %s", async (_name, source) => {
  const result = await fixture.run(source);
  expect(result.outcome).toBe("error");
  expect(JSON.stringify(result)).not.toContain("LEAK");
  expect(await fixture.run(PYTHON_PROBE_RULE)).toMatchObject({ outcome: "ok" });
});
