// Attack (fifth adversarial pass, 2026-12-08): annotationlib (Python 3.14) evaluates annotations in
// FORWARDREF format by calling the owner's `__annotate__` again as a NEW function built from the
// same code object with fake globals: `types.FunctionType(annotate.__code__, _StringifierDict({}))`.
// Those globals hold no "__builtins__", so CPython gives the new function the builtins of the frame
// that built it: annotationlib's, the REAL builtins. A rule can make its own function a class's
// `__annotate__` (a `def __annotate__` in the class body: def names are not checked for dunders;
// or type(name, bases, {"__annotate__": f})). In the fake-globals run, name lookups become
// stringifiers, but an `import` statement reads `__import__` straight from the frame's builtins:
// `import os` is the real import. A default argument (a list) carries the module out with a plain
// subscript store (no global or attribute lookup). annotationlib is reached with FORWARDREF by the
// runner's own guarded dataclass() (`_own_annotations`), by typing.NamedTuple and typing.TypedDict
// class creation, and by the real dataclasses machinery.
// Safe: a rule's function is never run with other globals (refuse `__annotate__` as a def name and
// as a class-namespace key / call annotate functions of rule classes only with Format.VALUE), and
// `import` in a rule compiles to a call of the guard rather than IMPORT_NAME, so no builtins dict
// decides what it imports.
import { expect, it } from "vitest";
import { PYTHON_PROBE_RULE, usePythonPool } from "../../testing/pool-fixture";

const fixture = usePythonPool();

// Called 4 times: VALUE (via __annotations__: fail), FORWARDREF (NotImplementedError), fake globals
// with the rule's namespace (fail), fake empty globals (real builtins: import).
const ANNOTATE = (indent: string, module: string) =>
  [
    "def __annotate__(format, box=box):",
    "    if format == 1:",
    "        return 1 // 0",
    "    if format == 3:",
    "        raise NotImplementedError",
    "    if box[1] == 0:",
    "        box[1] = 1",
    "        return 1 // 0",
    `    import ${module}`,
    `    box[0] = ${module}`,
    "    return {}",
  ]
    .map((line) => indent + line)
    .join("\n") + "\n";

it.each([
  [
    "dataclasses.dataclass (the runner's guarded one) → os.listdir",
    "import dataclasses\nbox = [None, 0]\n@dataclasses.dataclass\nclass P:\n" + ANNOTATE("    ", "os") + "def rule(input, ctx):\n    return 'LEAK:' + str(box[0].listdir('/'))\n",
  ],
  [
    "typing.NamedTuple → sys.modules",
    "import typing\nbox = [None, 0]\nclass P(typing.NamedTuple):\n" + ANNOTATE("    ", "sys") + "def rule(input, ctx):\n    return 'LEAK:' + ','.join(sorted(box[0].modules)[:3])\n",
  ],
  [
    "typing.TypedDict → sys.modules",
    "import typing\nbox = [None, 0]\nclass P(typing.TypedDict):\n" + ANNOTATE("    ", "sys") + "def rule(input, ctx):\n    return 'LEAK:' + ','.join(sorted(box[0].modules)[:3])\n",
  ],
  [
    "type(name, bases, {'__annotate__': f}) and dataclass() → pyodide",
    "import dataclasses\nbox = [None, 0]\n" + ANNOTATE("", "pyodide").replace("def __annotate__", "def ann") + "def rule(input, ctx):\n    C = type('C', (), {'__annotate__': ann})\n    try:\n        dataclasses.dataclass(C)\n    except Exception:\n        pass\n    return 'LEAK:' + str(box[0])\n",
  ],
])("does not run a rule's __annotate__ with the real builtins: %s", async (_name, source) => {
  const result = await fixture.run(source);
  expect(JSON.stringify(result)).not.toContain("LEAK");
  expect(await fixture.run(PYTHON_PROBE_RULE)).toMatchObject({ outcome: "ok" });
});
