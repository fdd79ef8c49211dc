// Attack (fifth adversarial pass, 2026-12-08): dataclasses.asdict, astuple and replace read
// `getattr(obj, field.name)` in C-called Python code, past the attribute guard, for every Field in
// `type(obj).__dataclass_fields__`. Both are the rule's to choose: a real Field (from
// dataclasses.fields() of any dataclass) has a writable `name` (`f.name = 'format'` is a plain
// store of an allowed name), and `__dataclass_fields__` can be put on any class made with
// type(name, bases, {...}). With a str subclass, asdict hands back the real bound `str.format`
// (type builtin_function_or_method, not the guarded one), whose field lookup reads any attribute:
// `{0.__globals__[CODE_CACHE]}` on the rule's own `getattr` prints the runner's compiled-source
// cache, i.e. the source of the other rules that ran on this worker (another tenant's rule).
// Safe: asdict/astuple/replace/fields refuse classes the guarded dataclass() did not make (or
// re-check every field name: identifier, no leading underscore, not a refused attribute), and
// Field.name cannot be changed by a rule.
import { expect, it } from "vitest";
import { PYTHON_PROBE_RULE, usePythonPool } from "../../testing/pool-fixture";

const fixture = usePythonPool();

const PREFIX = "import dataclasses\n@dataclasses.dataclass\nclass D:\n    x: int = 0\ndef renamed(name):\n    f = dataclasses.fields(D)[0]\n    f.name = name\n    return f\n";

it("does not hand out the real str.format through asdict (another rule's source leaked)", async () => {
  const victim = "def rule(input, ctx):\n    return 'SECRET-PRICING-4711'\n";
  expect(await fixture.run(victim)).toMatchObject({ outcome: "ok", output: "SECRET-PRICING-4711" });
  const source = PREFIX + "def rule(input, ctx):\n    S = type('S', (str,), {'__dataclass_fields__': {'format': renamed('format')}})\n    fmt = dataclasses.asdict(S('{0.__globals__[CODE_CACHE]}'))['format']\n    return 'LEAK:' + fmt(getattr)\n";
  const result = await fixture.run(source);
  expect(result.outcome).toBe("error");
  expect(JSON.stringify(result)).not.toContain("SECRET-PRICING-4711");
  expect(JSON.stringify(result)).not.toContain("LEAK");
  expect(await fixture.run(PYTHON_PROBE_RULE)).toMatchObject({ outcome: "ok" });
});

it.each([
  ["asdict", "dataclasses.asdict(obj)['format']"],
  ["astuple", "dataclasses.astuple(obj)[0]"],
])("does not read attributes named by a renamed Field: %s", async (_name, expr) => {
  const source =
    PREFIX +
    "def rule(input, ctx):\n    T = type('T', (str,), {'__dataclass_fields__': {'format': renamed('format')}})\n    obj = T('{0.__init__.__globals__[__builtins__]}')\n" +
    `    fmt = ${expr}\n    return 'LEAK:' + str(type(fmt)) + fmt(D)[:60]\n`;
  const result = await fixture.run(source);
  expect(result.outcome).toBe("error");
  expect(JSON.stringify(result)).not.toContain("LEAK");
  expect(await fixture.run(PYTHON_PROBE_RULE)).toMatchObject({ outcome: "ok" });
});
