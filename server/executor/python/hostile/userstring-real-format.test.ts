// Attack (seventh adversarial pass, 2026-12-08): `collections.UserString.format` and `.format_map`
// are Python methods of the standard library that call `self.data.format(*args, **kwds)`: the REAL
// `str.format`, reached past the guard (which swaps in its checked formatter only where a rule
// reads `format` itself). Its field syntax (`{0.attr[key]}`) reads any attribute and item in C, so
// a rule renders anything it can walk to from an object it holds: from a caught exception,
// `__traceback__.tb_frame.f_back` is the runner's `_run_body` frame, its `f_globals` the runner's
// module namespace (the real `__builtins__`, `run_one`), and `run_one.__closure__` leads to
// `_run_body`'s closure and its `CODE_CACHE`: the source of every rule compiled on this worker
// (kept in the snapshot, so other tenants' earlier runs), here a secret of another rule.
// Safe: UserString's format/format_map go through the checked formatter (or UserString is refused /
// shadowed), so the walk is refused and nothing of the runner or another rule's source comes out.
import { expect, it } from "vitest";
import { PYTHON_PROBE_RULE, usePythonPool } from "../../testing/pool-fixture";

const fixture = usePythonPool();

const VICTIM = "SECRET = 'victim-api-key-7f3a'\ndef rule(input, ctx):\n    return SECRET\n";

const WALK = "{0.__traceback__.tb_frame.f_back.f_globals[run_one].__closure__[5].cell_contents.__closure__[1].cell_contents}";

it.each([
  ["UserString.format", `UserString(${JSON.stringify(WALK)}).format(err)`],
  ["UserString.format_map", `UserString(${JSON.stringify(WALK.replace("{0.", "{e."))}).format_map({'e': err})`],
])("does not hand a rule the real str.format through %s (another rule's source, the runner's frames)", async (_name, call) => {
  expect(await fixture.run(VICTIM)).toMatchObject({ outcome: "ok", output: "victim-api-key-7f3a" });
  const attack = [
    "from collections import UserString",
    "def rule(input, ctx):",
    "    try:",
    "        1 / 0",
    "    except Exception as e:",
    "        err = e",
    "    try:",
    `        return 'LEAK:' + str(${call})`,
    "    except Exception as refused:",
    "        return 'refused: ' + type(refused).__name__",
    "",
  ].join("\n");
  const result = await fixture.run(attack);
  expect(JSON.stringify(result)).not.toContain("victim-api-key-7f3a");
  expect(JSON.stringify(result)).not.toContain("LEAK");
  expect(await fixture.run(PYTHON_PROBE_RULE)).toMatchObject({ outcome: "ok" });
});
