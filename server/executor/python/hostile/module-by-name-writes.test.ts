// Attack (third adversarial pass, 2026-12-08): enum.global_enum(cls) runs
// sys.modules[cls.__module__].__dict__.update(cls.__members__). With module='__main__' (the
// runner's own namespace) a member named _attribute_blocked replaced the guards' helper, and
// every attribute name passed. global_enum is a refused member, and __main__ is gone from
// sys.modules, so nothing that looks a module up by name finds the runner.
import { expect, it } from "vitest";
import { PYTHON_PROBE_RULE, usePythonPool } from "../../testing/pool-fixture";

const fixture = usePythonPool();

it.each([
  ["enum.global_enum", "import enum\nclass Base(enum.Enum):\n    def f(self):\n        return False\ndef rule(input, ctx):\n    E = Base('E', [('_attribute_blocked', 1)], module='__main__')\n    enum.global_enum(E)\n    return 'LEAK'\n"],
  ["from enum import global_enum", "from enum import global_enum\ndef rule(input, ctx):\n    return 'LEAK'\n"],
])("refuses %s", async (_name, source) => {
  const result = await fixture.run(source);
  expect(result.outcome).toBe("error");
  expect(["AttributeError", "ImportError"]).toContain(result.error?.name);
  expect(await fixture.run(PYTHON_PROBE_RULE)).toMatchObject({ outcome: "ok" });
});

it("gives a dataclass declared under __module__ '__main__' no runner globals", async () => {
  // dataclasses reads sys.modules[cls.__module__] for the globals of the code it generates.
  const source = "import dataclasses\ndef rule(input, ctx):\n    C = type('C', (), {'__annotations__': {'x': int}, '__module__': '__main__'})\n    D = dataclasses.dataclass(C)\n    return repr(D(1))\n";
  expect(await fixture.run(source)).toMatchObject({ outcome: "ok", output: "C(x=1)" });
});
