// Attack (sixth adversarial pass, 2026-12-08): the guarded dataclass() checks a class's field names
// on a copy of its annotations and then "pins" what it checked with `c.__annotations__ = checked`,
// so that what dataclasses reads next is exactly that. But the pin is an ordinary attribute write on
// the class: a metaclass with an `__annotations__` data descriptor (a property; `type(name, (type,),
// {"__annotations__": property(get, set)})` is accepted, `__annotations__` being a key the guarded
// type lets through) receives the write in its setter instead. The setter is rule code running
// between the check and the use: it adds a field named like code to the very dict the class holds
// (the `__annotations__` of the namespace, or what the class's `__annotate__` returned, which
// type's C getter caches as is). The real dataclass() then reads that dict (annotationlib reads the
// type's own __annotations__ through type's C getter, past the metaclass) and pastes the name into
// the source it runs with exec() and the real builtins: the second pass's escape again
// (`__import__('sys')`, `os.listdir('/')`, and from there everything). The registry check after
// _real_dataclass() raises TypeError, too late: the methods with the payload are already on the class.
// Safe: the names dataclasses uses are the names that were checked (check what the real
// dataclass() read, or check again after the pin and compare identities, or refuse a class whose
// metaclass defines __annotations__/__annotate__ descriptors), and no payload runs.
import { expect, it } from "vitest";
import { PYTHON_PROBE_RULE, usePythonPool } from "../../testing/pool-fixture";

const fixture = usePythonPool();

const PAYLOAD = "__class__ and 'ESC' + __import__('sys').version + str(__import__('os').listdir('/'))";

it.each([
  [
    "a metaclass property swallows the pin (guarded type only, annotations in the namespace)",
    `import dataclasses\nD = {'x': int}\ndef setter(cls, value):\n    D[${JSON.stringify(PAYLOAD)}] = int\ndef rule(input, ctx):\n    M = type('M', (type,), {'__annotations__': property(lambda cls: D, setter)})\n    C = M('C', (), {'__annotations__': D, 'x': 0})\n    try:\n        dataclasses.dataclass(init=False)(C)\n    except TypeError:\n        pass\n    return repr(C())\n`,
  ],
  [
    "the same with the real type (type.mro) and an __annotate__ whose dict type's getter caches",
    `import dataclasses\nD = {'x': int}\ndef ann(format):\n    return D\ndef setter(cls, value):\n    D[${JSON.stringify(PAYLOAD)}] = int\ndef rule(input, ctx):\n    RT = type.mro(type(type))[1]\n    M = RT('M', (RT,), {'__annotations__': property(lambda cls: D, setter)})\n    C = M('C', (), {'__annotate__': ann, 'x': 0, '__doc__': 'c'})\n    try:\n        dataclasses.dataclass(init=False, eq=False)(C)\n    except TypeError:\n        pass\n    return repr(C())\n`,
  ],
])("dataclass() uses only the field names it checked: %s", async (_name, source) => {
  const result = await fixture.run(source);
  expect(JSON.stringify(result)).not.toContain("ESC3.");
  expect(JSON.stringify(result)).not.toMatch(/'proc'|'tmp'/);
  expect(await fixture.run(PYTHON_PROBE_RULE)).toMatchObject({ outcome: "ok" });
});
