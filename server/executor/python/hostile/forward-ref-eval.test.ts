// Attack (adversarial pass, 2026-12-08): typing.List["..."] builds a ForwardRef, whose evaluate()
// (Python 3.14) runs the string with eval() and the real builtins. Found with the static check
// silent; the guard now refuses every attribute of a ForwardRef.
import { expect, it } from "vitest";
import { PYTHON_PROBE_RULE, usePythonPool } from "../../testing/pool-fixture";

const fixture = usePythonPool();

it.each([
  ["evaluate()", "import typing\ndef rule(input, ctx):\n    ref = typing.get_args(typing.List[\"__import__('os').listdir('/')\"])[0]\n    return ref.evaluate()\n"],
  ["evaluate by getattr", "import typing\ndef rule(input, ctx):\n    ref = typing.get_args(typing.Dict[str, \"__import__('os')\"])[1]\n    return str(getattr(ref, 'evalu' + 'ate')())\n"],
  ["evaluate through the class (fourth pass)", "import typing\ndef rule(input, ctx):\n    fr = typing.get_args(typing.List[\"__import__('os').listdir('/')\"])[0]\n    FR = type(fr)\n    return str(FR.evaluate(fr))\n"],
  ["a ForwardRef made from the class", "import typing\ndef rule(input, ctx):\n    FR = type(typing.get_args(typing.List['int'])[0])\n    return str(FR(\"__import__('sys')\").evaluate())\n"],
  ["Optional of a string", "import typing\ndef rule(input, ctx):\n    ref = typing.get_args(typing.Optional[\"__import__('sys')\"])[0]\n    return str(ref.evaluate())\n"],
])("refuses a forward reference's %s", async (_name, source) => {
  const result = await fixture.run(source);
  expect(result).toMatchObject({ outcome: "error", error: { name: "AttributeError" } });
  expect(JSON.stringify(result)).not.toMatch(/tmp|module 'sys'|module 'os'/);
  expect(await fixture.run(PYTHON_PROBE_RULE)).toMatchObject({ outcome: "ok" });
});
