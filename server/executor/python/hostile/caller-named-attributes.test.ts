// Attack (adversarial pass follow-up, 2026-12-08): standard-library functions that read attributes
// named by their caller do it past the attribute guard. functools.update_wrapper (and wraps) with
// assigned=('__globals__',) copies a function's globals onto an object of the rule's own, whence
// dataclasses.asdict reads them back by a name a type() dict put in __dataclass_fields__. Both are
// refused members (policy.json), as operator.attrgetter and methodcaller are.
import { expect, it } from "vitest";
import { PYTHON_PROBE_RULE, usePythonPool } from "../../testing/pool-fixture";

const fixture = usePythonPool();

it.each([
  ["functools.update_wrapper", "import functools, json\nclass W:\n    pass\ndef rule(input, ctx):\n    w = W()\n    functools.update_wrapper(w, json.dumps, assigned=('__globals__',), updated=())\n    return 'LEAK'\n"],
  ["functools.wraps", "import functools, json\ndef rule(input, ctx):\n    @functools.wraps(json.dumps, assigned=('__globals__',))\n    def f():\n        pass\n    return 'LEAK'\n"],
  ["from functools import update_wrapper", "from functools import update_wrapper\ndef rule(input, ctx):\n    return 'LEAK'\n"],
  ["operator.attrgetter", "import operator, json\ndef rule(input, ctx):\n    return str(operator.attrgetter('__globals__')(json.dumps))\n"],
])("refuses %s", async (_name, source) => {
  const result = await fixture.run(source);
  expect(result.outcome).toBe("error");
  expect(["AttributeError", "ImportError"]).toContain(result.error?.name);
  expect(JSON.stringify(result)).not.toContain("LEAK");
  expect(await fixture.run(PYTHON_PROBE_RULE)).toMatchObject({ outcome: "ok" });
});
