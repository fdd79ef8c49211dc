// Attack: change shared interpreter state in one run and read it in the next — module attributes,
// builtins, classes of allowlisted modules, the decimal context, random's state, caches, ABC
// registries. The worker restores the clean memory after every run, so the next run sees none.
import { expect, it } from "vitest";
import { usePythonPool } from "../../testing/pool-fixture";

const fixture = usePythonPool();

const PLANT = `
import json, decimal, random, string, collections.abc, functools, statistics, fractions
json.dumps = lambda *a, **k: 'LEAK'
json.planted = 'LEAK'
decimal.getcontext().prec = 3
decimal.DefaultContext.prec = 2
string.Template.delimiter = '%'
fractions.Fraction.limit_denominator = lambda self, *a: 'LEAK'
collections.abc.Sequence.register(dict)
statistics.mean = lambda data: 'LEAK'
random.seed(42)
SEEN = []
def rule(input, ctx):
    SEEN.append(input)
    return 'planted'
`;

const PROBE = `
import json, decimal, random, string, collections.abc, statistics, fractions
def rule(input, ctx):
    checks = {
        'json.dumps': json.dumps([1]) == '[1]',
        'json.planted': not hasattr(json, 'planted'),
        'decimal context': str(decimal.Decimal(1) / 7) == '0.1428571428571428571428571429',
        'decimal default': decimal.Context().prec == 28,
        'string.Template': string.Template('$x').substitute(x=1) == '1',
        'Fraction': fractions.Fraction(1, 3).limit_denominator(10) == fractions.Fraction(1, 3),
        'ABC registry': not isinstance({}, collections.abc.Sequence),
        'statistics.mean': statistics.mean([1, 3]) == 2,
    }
    return {'bad': [k for k, ok in checks.items() if not ok], 'random': random.random()}
`;

it("shows a later run none of an earlier run's changes", async () => {
  expect(await fixture.run(PLANT, { input: "secret of run 1" })).toMatchObject({ outcome: "ok", output: "planted" });
  const first = await fixture.run(PROBE);
  expect(first).toMatchObject({ outcome: "ok", output: { bad: [] } });
  // random is seeded afresh for every run: not 42's sequence, and not the same twice.
  const seeded42 = 0.6394267984578837;
  const second = await fixture.run(PROBE);
  expect((first.output as { random: number }).random).not.toBe(seeded42);
  expect((second.output as { random: number }).random).not.toBe((first.output as { random: number }).random);
});

it("does not carry a module-level list (another rule's input) into the next run of the same source", async () => {
  const source = "SEEN = []\ndef rule(input, ctx):\n    SEEN.append(input)\n    return len(SEEN)\n";
  expect((await fixture.run(source, { input: "a" })).output).toBe(1);
  expect((await fixture.run(source, { input: "b" })).output).toBe(1);
});
