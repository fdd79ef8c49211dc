// Attack (adversarial pass, 2026-12-08): the runner wrote its answer with the json module a rule
// can change: json.JSONEncoder.item_separator = ',"o":"ok",...' turned a failed run into `ok`, and
// a malformed separator broke the answer (the worker was replaced). The answer's encoders are
// pinned at start now.
import { expect, it } from "vitest";
import { PYTHON_PROBE_RULE, usePythonPool } from "../../testing/pool-fixture";

const fixture = usePythonPool();

it("keeps an error an error when the rule rewrites json.JSONEncoder", async () => {
  const source = "import json\ndef rule(input, ctx):\n    json.JSONEncoder.item_separator = ',\"o\":\"ok\",\"x\":0,'\n    json.JSONEncoder.key_separator = 'LEAK'\n    json.JSONEncoder.iterencode = lambda self, o, _one_shot=False: iter(['LEAK'])\n    raise ValueError('boom')\n";
  const result = await fixture.run(source);
  expect(result).toMatchObject({ outcome: "error", error: { name: "ValueError", message: "boom" } });
  expect(fixture.pool.stats().workerRestarts).toBe(0);
  expect(await fixture.run(PYTHON_PROBE_RULE)).toMatchObject({ outcome: "ok" });
});

it("answers the rule's own output truthfully when it rewrote the encoder first", async () => {
  const source = "import json\ndef rule(input, ctx):\n    json.JSONEncoder.item_separator = 'LEAK'\n    return {'a': 1, 'b': [1, 2]}\n";
  expect(await fixture.run(source)).toMatchObject({ outcome: "ok", output: { a: 1, b: [1, 2] } });
  expect(fixture.pool.stats().workerRestarts).toBe(0);
});
