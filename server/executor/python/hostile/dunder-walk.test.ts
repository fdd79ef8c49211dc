// Attack: the classic walk ().__class__.__base__.__subclasses__() to a class whose function
// globals hold os/sys — written literally, through getattr with a computed name, through
// str.format's field lookup, and through a generator's frame.
import { expect, it } from "vitest";
import { usePythonPool } from "../../testing/pool-fixture";

const fixture = usePythonPool();

const WALKS: [string, string][] = [
  ["literal dunders", "def rule(input, ctx):\n    return [c.__name__ for c in ().__class__.__base__.__subclasses__()]\n"],
  ["getattr with a computed name", "def rule(input, ctx):\n    k = '__cla' + 'ss__'\n    return str(getattr(getattr((), k), '__ba' + 'se__'))\n"],
  ["str.format field lookup", "def rule(input, ctx):\n    return '{0.__class__.__base__.__subclasses__}'.format(())\n"],
  ["str.format on the type", "def rule(input, ctx):\n    return str.format('{0.__class__}', ())\n"],
  ["format_map", "def rule(input, ctx):\n    return '{x.__class__}'.format_map({'x': ()})\n"],
  ["generator frame", "def rule(input, ctx):\n    g = (x for x in [1])\n    return str(g.gi_frame.f_back.f_globals)\n"],
  ["generator frame via getattr", "def rule(input, ctx):\n    g = (x for x in [1])\n    return str(getattr(g, 'gi_' + 'frame'))\n"],
  ["traceback frames", "def rule(input, ctx):\n    try:\n        1/0\n    except Exception as e:\n        return str(e.__traceback__.tb_frame.f_globals)\n"],
  ["function globals", "def rule(input, ctx):\n    return str(ctx.log.__globals__)\n"],
  ["match class pattern reading a frame", "def rule(input, ctx):\n    g = (x for x in [1])\n    match g:\n        case object(gi_frame=f):\n            return str(f.f_globals)\n    return 'none'\n"],
  ["string.Formatter", "import string\ndef rule(input, ctx):\n    return str(string.Formatter().get_field('0.__class__', [()], {}))\n"],
  ["typing.get_type_hints evaluates text", "import typing\ndef f(x: '().__class__'): pass\ndef rule(input, ctx):\n    return str(typing.get_type_hints(f))\n"],
  ["operator.attrgetter", "import operator\ndef rule(input, ctx):\n    return str(operator.attrgetter('__class__')(()))\n"],
];

it.each(WALKS)("refuses the walk (%s)", async (_name, source) => {
  const result = await fixture.run(source);
  expect(result.outcome, JSON.stringify(result)).toBe("error");
  expect(["AttributeError", "PolicyError", "ImportError"]).toContain(result.error?.name);
  // Refused, so nothing of the walk came back (the message names the refused attribute only).
  expect(result.output).toBeUndefined();
  expect(JSON.stringify(result.error)).not.toMatch(/<class |object at 0x|<module /);
});

it("still lets a rule use super().__init__ and its own classes", async () => {
  const source = [
    "class Base:",
    "    def __init__(self, rate):",
    "        self.rate = rate",
    "class Vat(Base):",
    "    def __init__(self):",
    "        super().__init__(0.19)",
    "    def __repr__(self):",
    "        return 'Vat'",
    "def rule(input, ctx):",
    "    v = Vat()",
    "    return {'rate': v.rate, 'name': type(v).__name__, 'repr': repr(v)}",
  ].join("\n");
  expect(await fixture.run(source)).toMatchObject({ outcome: "ok", output: { rate: 0.19, name: "Vat", repr: "Vat" } });
});
