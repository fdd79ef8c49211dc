// Attack (adversarial pass, 2026-12-08): a class pattern reads the subject's attributes in C, past
// every guard — by keyword (`case str(format=f)`) or by a __match_args__ a class made with
// type(name, bases, dict) fills with any name, matched against any object by a metaclass's
// __instancecheck__. Keyword class patterns are refused; positional ones only for the builtin
// types that match themselves.
import { expect, it } from "vitest";
import { PYTHON_PROBE_RULE, usePythonPool } from "../../testing/pool-fixture";

const fixture = usePythonPool();

it.each([
  ["__match_args__ from type() and a metaclass", "import json\nclass M(type):\n    def __instancecheck__(cls, o):\n        return True\nX = M('X', (), {'__match_args__': ('__globals__',)})\ndef rule(input, ctx):\n    match json.dumps:\n        case X(g):\n            return str(g['__builtins__'])\n"],
  ["a keyword reading a str's format", "import json\ndef rule(input, ctx):\n    match '{0.__globals__}':\n        case str(format=f):\n            return f(json.dumps)\n"],
  ["a keyword reading a module's own sys", "import statistics\ndef rule(input, ctx):\n    match statistics:\n        case object(sys=s):\n            return str(s.modules)\n"],
])("refuses %s", async (_name, source) => {
  const result = await fixture.run(source);
  expect(result).toMatchObject({ outcome: "error", error: { name: "PolicyError" } });
  expect(await fixture.run(PYTHON_PROBE_RULE)).toMatchObject({ outcome: "ok" });
});

it("reads dotted names in patterns through the guard: a value pattern cannot hand a module's sys to __eq__", async () => {
  const source = "import statistics\nclass Spy:\n    def __eq__(self, other):\n        return 'LEAK' if other else False\ndef rule(input, ctx):\n    match Spy():\n        case statistics.sys:\n            return 'matched'\n    return 'no'\n";
  const result = await fixture.run(source);
  expect(result).toMatchObject({ outcome: "error", error: { name: "AttributeError" } });
  expect(JSON.stringify(result)).not.toContain("LEAK");
});

it("keeps dotted value and class patterns working (enums, decimal.Decimal)", async () => {
  const source = "import decimal\nfrom enum import Enum\nclass Tier(Enum):\n    GOLD = 'gold'\n    SILVER = 'silver'\ndef rule(input, ctx):\n    out = []\n    for v in [Tier('gold'), Tier.SILVER, decimal.Decimal('1.5')]:\n        match v:\n            case Tier.GOLD:\n                out.append('g')\n            case Tier.SILVER:\n                out.append('s')\n            case decimal.Decimal():\n                out.append(str(v))\n    match 3:\n        case 3:\n            match 'x':\n                case Tier.GOLD:\n                    out.append('no')\n                case str(s):\n                    out.append(s)\n    return out\n";
  expect(await fixture.run(source)).toMatchObject({ outcome: "ok", output: ["g", "s", "1.5", "x"] });
});

it("matches the real builtin type even when the rule rebinds its name", async () => {
  const source = "X = type('X', (), {'__match_args__': ('__globals__',)})\nint = X\ndef rule(input, ctx):\n    match X():\n        case int(g):\n            return 'LEAK ' + str(g)\n    return 'no match'\n";
  expect(await fixture.run(source)).toMatchObject({ outcome: "ok", output: "no match" });
});

it("keeps the class patterns rules use: builtin types, positional, and bare classes", async () => {
  const source = "import decimal\nclass Order:\n    pass\ndef rule(input, ctx):\n    out = []\n    for v in [1, 'a', [2, 3], {'k': 4}, Order(), 2.5]:\n        match v:\n            case int(n):\n                out.append(n + 1)\n            case str(s):\n                out.append(s.upper())\n            case [a, b]:\n                out.append(a + b)\n            case {'k': k}:\n                out.append(k)\n            case Order():\n                out.append('order')\n            case float():\n                out.append('float')\n    return out\n";
  expect(await fixture.run(source)).toMatchObject({ outcome: "ok", output: [2, "A", 5, 4, "order", "float"] });
});
