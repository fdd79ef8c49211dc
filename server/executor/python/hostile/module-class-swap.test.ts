// Attack (fourth adversarial pass, 2026-12-08): copy's reconstruct sets attributes named by a
// rule's __reduce_ex__, including a module's __class__, to a ModuleType subclass of the rule's
// own; the guard's `type(obj) is ModuleType` then skipped the refused members (operator.attrgetter
// read __globals__). Module checks are isinstance and read the module's real namespace.
import { expect, it } from "vitest";
import { PYTHON_PROBE_RULE, usePythonPool } from "../../testing/pool-fixture";

const fixture = usePythonPool();

it("keeps refusing a module's blocked members after its __class__ was swapped", async () => {
  const source = "import operator, copy\nclass M(type(operator)):\n    pass\ndef mk():\n    return operator\nclass R:\n    def __reduce_ex__(self, p):\n        return (mk, (), ({}, {'__class__': M}))\ndef rule(input, ctx):\n    copy.deepcopy(R())\n    g = operator.attrgetter('__globals__')(copy.deepcopy)\n    return str(g['__builtins__'])\n";
  const result = await fixture.run(source);
  // Since the fifth pass a rule's class may not define __reduce_ex__ at all (PolicyError at the
  // def); through type(name, bases, ns) it is refused too, and copy uses no rule class's reduce.
  expect(result.outcome).toBe("error");
  expect(["AttributeError", "PolicyError"]).toContain(result.error?.name);
  expect(JSON.stringify(result)).not.toContain("built-in");
  expect(await fixture.run(PYTHON_PROBE_RULE)).toMatchObject({ outcome: "ok" });
});
