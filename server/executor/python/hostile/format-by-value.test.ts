// Attack (adversarial pass, 2026-12-08): the guarded str.format was chosen by looking at the object
// (`obj is str`), so a str subclass or super() got the real one, whose field lookup
// ({0.__globals__}) reads any attribute. The guard now also looks at the value it hands out.
import { expect, it } from "vitest";
import { PYTHON_PROBE_RULE, usePythonPool } from "../../testing/pool-fixture";

const fixture = usePythonPool();

it.each([
  ["a str subclass's format", "import json\nclass S(str):\n    pass\ndef rule(input, ctx):\n    return S.format('{0.__globals__[__builtins__][__import__]}', json.dumps)\n"],
  ["format through super()", "import json\nclass S(str):\n    def f(self):\n        return super().format(json.dumps)\ndef rule(input, ctx):\n    return S('{0.__globals__}').f()\n"],
  ["format_map of a subclass instance", "import json\nclass S(str):\n    pass\ndef rule(input, ctx):\n    return S('{f.__globals__}').format_map({'f': json.dumps})\n"],
  ["a subclass's format kept in a variable", "import json\nclass S(str):\n    pass\ndef rule(input, ctx):\n    f = S.format\n    return f('{0.__globals__}', json.dumps)\n"],
])("refuses %s reaching an attribute the guard refuses", async (_name, source) => {
  const result = await fixture.run(source);
  expect(result).toMatchObject({ outcome: "error", error: { name: "AttributeError" } });
  expect(JSON.stringify(result)).not.toMatch(/built-in function|__builtins__'|'__import__'/);
  expect(await fixture.run(PYTHON_PROBE_RULE)).toMatchObject({ outcome: "ok" });
});

it("still formats ordinary fields of a subclass", async () => {
  const result = await fixture.run("class S(str):\n    pass\ndef rule(input, ctx):\n    return S('{0} {x[k]}').format(1, x={'k': 2})\n");
  expect(result).toMatchObject({ outcome: "ok", output: "1 2" });
});
