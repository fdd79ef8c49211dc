// Attack (fifth adversarial pass, 2026-12-08): the guard refuses a module's refused members
// (typing.get_type_hints, operator.attrgetter, string.Formatter, ...) only when the object it reads
// from is that module. Objects that forward their attribute reads to another object, in C or in
// standard-library Python, hand the same members out from an object that is not a module:
//  - types.GenericAlias (`type(list[int])`, a builtin type a rule reaches with type()) forwards
//    every attribute but a dozen dunders to its origin, and takes any object as the origin:
//    `type(list[int])(operator, ()).attrgetter` is operator.attrgetter;
//  - an enum member whose name collides with a descriptor on a base class gets enum.property as a
//    redirect, whose __get__ reads `getattr(member._value_, name)`: with a module as the value,
//    `E.attrgetter.attrgetter` is the module's member.
// With get_type_hints a string annotation is run by eval() with the real builtins (sys.modules,
// pyodide); with attrgetter any attribute is read (__globals__ → the real builtins).
// Safe: the refused members are not reachable at all (rules import shadow modules without them, as
// dataclasses is shadowed; or the guard refuses these values by identity, whatever object they are
// read from) and/or GenericAlias cannot be made over a module.
import { expect, it } from "vitest";
import { PYTHON_PROBE_RULE, usePythonPool } from "../../testing/pool-fixture";

const fixture = usePythonPool();

it.each([
  [
    "types.GenericAlias(operator).attrgetter",
    "import operator, json\ndef rule(input, ctx):\n    ag = type(list[int])(operator, ()).attrgetter\n    return 'LEAK:' + str(ag('__globals__')(json.dumps)['__builtins__'])[:50]\n",
  ],
  [
    "types.GenericAlias(typing).get_type_hints → eval with the real builtins",
    "import typing\ndef rule(input, ctx):\n    gth = type(list[int])(typing, (int,)).get_type_hints\n    def f(x: \"__import__('sys')\"): pass\n    return 'LEAK:' + ','.join(sorted(gth(f, globalns={})['x'].modules)[:3])\n",
  ],
  [
    "types.GenericAlias(string).Formatter",
    "import string, json\ndef rule(input, ctx):\n    F = type(list[int])(string, ()).Formatter\n    return 'LEAK:' + F().format('{0.__globals__[__builtins__]}', json.dumps)[:50]\n",
  ],
  [
    "an enum member's descriptor redirect (class syntax)",
    "import enum, typing\nclass Base:\n    get_type_hints = staticmethod(len)\nclass E(Base, enum.Enum):\n    get_type_hints = typing\ndef rule(input, ctx):\n    gth = E.get_type_hints.get_type_hints\n    def f(x: \"__import__('sys')\"): pass\n    return 'LEAK:' + ','.join(sorted(gth(f, globalns={})['x'].modules)[:3])\n",
  ],
  [
    "an enum member's descriptor redirect (functional API)",
    "import enum, operator, json\nclass Base:\n    attrgetter = staticmethod(len)\ndef rule(input, ctx):\n    E = enum.Enum('E', [('attrgetter', operator)], type=Base)\n    ag = getattr(E['attrgetter'], 'attrgetter')\n    return 'LEAK:' + str(ag('__globals__')(json.dumps)['__builtins__'])[:50]\n",
  ],
])("refuses a module's refused members reached through %s", async (_name, source) => {
  const result = await fixture.run(source);
  expect(result.outcome).toBe("error");
  expect(JSON.stringify(result)).not.toContain("LEAK");
  expect(await fixture.run(PYTHON_PROBE_RULE)).toMatchObject({ outcome: "ok" });
});
