// Attack (fifth adversarial pass, 2026-12-08): the fourth pass left copy's reconstruct as "a gadget
// with no known escape": a rule's __reduce_ex__ makes copy.deepcopy/copy.copy call
// setattr(y, key, value) (and y.__dict__.update(state)) with names of its choosing on whatever
// object its callable returns, e.g. an allowed module. Here it sets `json.__class__` to a
// ModuleType subclass of the rule's whose `__dataclass_fields__` holds a real Field renamed to
// `__builtins__`; dataclasses.replace(json) then reads `json.__builtins__` (the real builtins dict
// every module's namespace carries) and passes it to the class's `__new__` as a keyword: the real
// `__import__`, so sys.modules, pyodide and everything else.
// Safe: copy refuses to set underscore-named (or any) attributes and to update `__dict__` of
// objects a rule's reduce value names (a shadow `copy` whose reconstruct checks names with the
// guard, or refuses a rule class's __reduce_ex__/__reduce__ outright), and dataclasses.replace
// refuses a class the guarded dataclass() did not make (dataclass-field-reads).
import { expect, it } from "vitest";
import { PYTHON_PROBE_RULE, usePythonPool } from "../../testing/pool-fixture";

const fixture = usePythonPool();

const SWAP =
  "import dataclasses, json, copy\n@dataclasses.dataclass\nclass D:\n    x: int = 0\nbox = []\nclass M(type(json)):\n    def __new__(cls, **kw):\n        box.append(kw)\n        return 0\ndef mk():\n    return json\n";

it.each([
  [
    "deepcopy: json.__class__ = M, then replace(json) reads __builtins__",
    SWAP +
      "def rule(input, ctx):\n    f = dataclasses.fields(D)[0]\n    f.name = '__builtins__'\n    M2 = type('M2', (M,), {'__dataclass_fields__': {'b': f}})\n    class R:\n        def __reduce_ex__(self, p):\n            return (mk, (), ({}, {'__class__': M2}))\n    copy.deepcopy(R())\n    dataclasses.replace(json)\n    sys = box[0]['__builtins__']['__import__']('sys')\n    return 'LEAK:' + ','.join(sorted(sys.modules)[:3])\n",
  ],
  [
    "copy.copy: the same through the shallow path",
    SWAP +
      "def rule(input, ctx):\n    f = dataclasses.fields(D)[0]\n    f.name = '__builtins__'\n    M2 = type('M2', (M,), {'__dataclass_fields__': {'b': f}})\n    class R:\n        def __reduce_ex__(self, p):\n            return (mk, (), ({}, {'__class__': M2}))\n    copy.copy(R())\n    dataclasses.replace(json)\n    sys = box[0]['__builtins__']['__import__']('sys')\n    return 'LEAK:' + ','.join(sorted(sys.modules)[:3])\n",
  ],
  [
    "deepcopy's __dict__.update writes an underscore name into a module",
    "import copy, json\ndef mk():\n    return json\nclass R:\n    def __reduce_ex__(self, p):\n        return (mk, (), {'_rbx_planted': 1})\ndef rule(input, ctx):\n    copy.deepcopy(R())\n    return 'LEAK' if '_rbx_planted' in dir(json) else 'safe'\n",
  ],
])("copy's reconstruct cannot set caller-named attributes: %s", async (_name, source) => {
  const result = await fixture.run(source);
  expect(JSON.stringify(result)).not.toContain("LEAK");
  expect(await fixture.run(PYTHON_PROBE_RULE)).toMatchObject({ outcome: "ok" });
});
