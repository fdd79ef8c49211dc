// Attack (seventh adversarial pass, 2026-12-08): behind the real `__import__` (attribute-error-obj:
// UserString's real str.format walks to the real builtins, AttributeError.obj hands them out), a
// rule opens files on Emscripten's in-memory file system. MEMFS keeps file contents and the tree in
// JavaScript objects, not in the WebAssembly memory the worker restores after every run, so a file
// one run writes is there for every later run on that worker: state survives the restore (a
// channel between tenants' runs; anything Python or the runner later reads from the FS is
// planted).
// Safe: no run reaches the file system (the escape is closed), and the FS itself is restored or
// reset with the memory, so a later run finds nothing the earlier one wrote.
import { expect, it } from "vitest";
import { PYTHON_PROBE_RULE, usePythonPool } from "../../testing/pool-fixture";

const fixture = usePythonPool();

const REAL_IO = [
  "from collections import UserString",
  "def grab(path, root):",
  "    try:",
  "        UserString('{0.' + path + '.rbx_missing}').format(root)",
  "    except AttributeError as error:",
  "        return error.obj",
  "def real_io():",
  "    try:",
  "        1 / 0",
  "    except Exception as e:",
  "        return grab('__traceback__.tb_frame.f_back.f_back.f_globals[__builtins__].__dict__[__import__]', e)('io')",
  "",
].join("\n");

it("does not let a file written in one run be read by a later run", async () => {
  const writer =
    REAL_IO +
    "def rule(input, ctx):\n    try:\n        f = real_io().open('/tmp/rbx-planted', 'w')\n        f.write('planted by an earlier run')\n        f.close()\n        return 'wrote'\n    except Exception as refused:\n        return 'refused: ' + type(refused).__name__\n";
  const reader =
    REAL_IO +
    "def rule(input, ctx):\n    try:\n        return 'LEAK:' + real_io().open('/tmp/rbx-planted').read()\n    except Exception as refused:\n        return 'refused: ' + type(refused).__name__\n";
  await fixture.run(writer);
  const result = await fixture.run(reader);
  expect(JSON.stringify(result)).not.toContain("planted by an earlier run");
  expect(await fixture.run(PYTHON_PROBE_RULE)).toMatchObject({ outcome: "ok" });
});
