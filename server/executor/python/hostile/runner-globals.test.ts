// Attack (third adversarial pass, 2026-12-08, and what it showed): enum.global_enum wrote into
// sys.modules['__main__'], the runner's module namespace, and replaced `_attribute_blocked`, a
// helper the guards looked up there by name on every call. That one path is closed
// (module-by-name-writes), but any write into those globals would have done the same. The guards
// are now closures of runner.py's factory: no function it makes looks a name up in the module's
// globals or builtins when it runs, and the tables are frozensets and read-only mappings.
// The property itself is checked where it can be, inside the interpreter at load: runner.py's
// _self_test walks the bytecode of every function the factory made for a lookup by name, then
// writes permissive stand-ins for the old helpers (and for isinstance, type, ...) into the
// module's globals and asserts every refusal still holds; a worker that fails it never starts,
// so every test in this folder would fail. (Run against the previous runner.py, both halves
// fail: guarded_catchable looked up `isinstance`, and all five refusals passed.)
import { expect, it } from "vitest";
import { PYTHON_PROBE_RULE, usePythonPool } from "../../testing/pool-fixture";

const fixture = usePythonPool();

it("hands rules guards made by the runner's factory, not module-level functions", async () => {
  // __qualname__ is readable by rules; a module-level function's is its bare name.
  const reachable = "import dataclasses\ndef rule(input, ctx):\n    return [f.__qualname__ for f in (getattr, hasattr, setattr, delattr, dataclasses.dataclass)]\n";
  const result = await fixture.run(reachable);
  expect(result.outcome).toBe("ok");
  for (const name of result.output as string[]) expect(name).toMatch(/^_build_runner\.<locals>\./);
});

it("still refuses after a rule rebinds every name the old guards read, in its own namespace", async () => {
  // A rule's module namespace is its own dict, never the runner's: shadowing there is harmless.
  const source = [
    "_attribute_blocked = lambda name: False",
    "BLOCKED_MEMBERS = {}",
    "ALLOWED_MODULES = None",
    "isinstance = lambda *a: False",
    "def rule(input, ctx):",
    "    import typing",
    "    try:",
    "        getattr(typing, 'get_type_hints')",
    "        return 'LEAK'",
    "    except AttributeError:",
    "        pass",
    "    return getattr((), '__cl' + 'ass__')",
  ].join("\n");
  const result = await fixture.run(source);
  expect(result).toMatchObject({ outcome: "error", error: { name: "AttributeError" } });
  expect(await fixture.run(PYTHON_PROBE_RULE)).toMatchObject({ outcome: "ok" });
});
