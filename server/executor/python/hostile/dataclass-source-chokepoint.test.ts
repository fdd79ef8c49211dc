// Attack (sixth adversarial pass, 2026-12-08, follow-up to dataclass-annotations-pin): checking a
// class's annotations before dataclass() does not bound what dataclasses pastes into the source it
// exec()s with the real builtins. A field's name is read again, later, from the field object, and
// dataclasses takes as a Field anything that passes isinstance(x, Field): a rule object whose
// `__class__` says Field, set as a field's default, becomes the field, and its `name` (a property
// whose setter ignores the name dataclasses writes) is whatever the rule likes. The annotation name
// (`x`) is fine; the name in the generated __repr__ is code. Likewise a metaclass can answer
// `cls.__mro__` / `cls.__dict__` (read as plain attributes) differently to the check and to dataclasses.
// Safe: the source dataclasses generates is checked where it is exec()'d (_FuncBuilder) and refused
// unless every name in it is a public identifier; metaclasses defining such attributes are refused;
// ordinary dataclasses (order, frozen, unsafe_hash, InitVar/__post_init__, default_factory, a field
// named `self`, kw_only, slots) keep working.
import { expect, it } from "vitest";
import { PYTHON_PROBE_RULE, usePythonPool } from "../../testing/pool-fixture";

const fixture = usePythonPool();

const PAYLOAD = "__class__ and 'ESC' + __import__('sys').version + str(__import__('os').listdir('/'))";

it.each([
  [
    "a Field look-alike as a default answers .name with code",
    `import dataclasses\nRT = type.mro(type(type))[1]\nFake = RT('Fake', (), {'__class__': property(lambda self: dataclasses.Field), 'name': property(lambda self: ${JSON.stringify(PAYLOAD)}, lambda self, v: None), 'default': dataclasses.MISSING, 'default_factory': dataclasses.MISSING, 'init': False, 'repr': True, 'hash': None, 'compare': False, 'kw_only': False, 'metadata': {}})\ndef rule(input, ctx):\n    C = type('C', (), {'__annotations__': {'x': int}, 'x': Fake()})\n    try:\n        dataclasses.dataclass(eq=False)(C)\n    except TypeError:\n        pass\n    return repr(C())\n`,
  ],
  [
    "a metaclass __mro__ property",
    `import dataclasses\ndef rule(input, ctx):\n    RT = type.mro(type(type))[1]\n    M = RT('M', (RT,), {'__mro__': property(lambda cls: (cls, object))})\n    C = M('C', (), {'__annotations__': {'x': int}, 'x': 0})\n    try:\n        dataclasses.dataclass(C)\n        return 'ESC3. accepted'\n    except TypeError as e:\n        return str(e)\n`,
  ],
])("dataclass() never runs source with names it did not check: %s", async (_name, source) => {
  const result = await fixture.run(source);
  expect(JSON.stringify(result)).not.toContain("ESC3.");
  expect(JSON.stringify(result)).not.toMatch(/'proc'|'tmp'/);
  expect(await fixture.run(PYTHON_PROBE_RULE)).toMatchObject({ outcome: "ok" });
});

it("ordinary dataclasses still work through the checked source", async () => {
  const source = `import dataclasses
from dataclasses import dataclass, field, InitVar, KW_ONLY

@dataclass(order=True, unsafe_hash=True)
class P:
    a: int
    b: str = "x"

@dataclass(frozen=True)
class F:
    self: int
    tags: list = field(default_factory=list)
    hidden: int = field(default=7, init=False, repr=False)

@dataclass
class Q:
    n: int
    scale: InitVar[int] = 2
    made: list = field(default_factory=list, init=False)
    _: KW_ONLY
    flag: bool = False
    def __post_init__(self, scale):
        self.n = self.n * scale

@dataclass(slots=True)
class S:
    x: int
    y: int = field(default=3, init=False)

def rule(input, ctx):
    f = F(1)
    try:
        f.self = 2
        frozen = False
    except dataclasses.FrozenInstanceError:
        frozen = True
    q = Q(2, 5, flag=True)
    return [P(1) < P(2), P(1, "y") == P(1, "y"), hash(P(1)) == hash(P(1)), repr(f), frozen, f.hidden,
            q.n, q.made, q.flag, repr(S(1)), S(1).y]
`;
  expect(await fixture.run(source)).toMatchObject({
    outcome: "ok",
    output: [true, true, true, "F(self=1, tags=[])", true, 7, 10, [], true, "S(x=1, y=3)", 3],
  });
});
