// Attack: reach the host (the worker's JavaScript, Pyodide, the file system) from a Python rule.
import { expect, it } from "vitest";
import { PYTHON_PROBE_RULE, usePythonPool } from "../../testing/pool-fixture";

const fixture = usePythonPool();

const ATTEMPTS: [string, string][] = [
  ["import js", "import js\ndef rule(input, ctx):\n    return str(js.process)\n"],
  ["import pyodide", "import pyodide\ndef rule(input, ctx):\n    return 'LEAK'\n"],
  ["import sys", "import sys\ndef rule(input, ctx):\n    return str(sys.modules['js'])\n"],
  ["import os", "import os\ndef rule(input, ctx):\n    return os.listdir('/')\n"],
  ["__import__", "def rule(input, ctx):\n    return str(__import__('js'))\n"],
  ["builtins by name", "def rule(input, ctx):\n    return str(__builtins__)\n"],
  ["open", "def rule(input, ctx):\n    return open('/etc/passwd').read()\n"],
  ["eval", "def rule(input, ctx):\n    return eval('1+1')\n"],
  ["a module's sys", "import statistics\ndef rule(input, ctx):\n    return str(statistics.sys.modules)\n"],
  ["a module's private os", "import random\ndef rule(input, ctx):\n    return str(random._os)\n"],
  ["from-import of a non-allowlisted module", "from json import decoder\ndef rule(input, ctx):\n    return 'LEAK'\n"],
  ["relative import", "from . import x\ndef rule(input, ctx):\n    return 'LEAK'\n"],
];

it.each(ATTEMPTS)("refuses %s as a rule error and keeps serving", async (_name, source) => {
  const result = await fixture.run(source);
  expect(result.outcome).toBe("error");
  expect(JSON.stringify(result)).not.toContain("LEAK");
  expect(["ImportError", "NameError", "AttributeError", "PolicyError"]).toContain(result.error?.name);
  expect(await fixture.run(PYTHON_PROBE_RULE)).toMatchObject({ outcome: "ok" });
});
