// Attack (second adversarial pass, 2026-12-08): dataclasses pastes field names into the source of
// the methods it generates and runs it with exec() and the real builtins. A field name made through
// type(name, bases, {"__annotations__": {...}}) ran as code. Rules get a dataclass() that admits
// identifier names only (own annotations and every dataclass base).
import { expect, it } from "vitest";
import { PYTHON_PROBE_RULE, usePythonPool } from "../../testing/pool-fixture";

const fixture = usePythonPool();

const PAYLOAD = "__class__ and __import__('os').listdir('/')";

it.each([
  ["an annotation that is code", `import dataclasses\ndef rule(input, ctx):\n    C = type("C", (), {"__annotations__": {${JSON.stringify(PAYLOAD)}: int}})\n    return repr(dataclasses.dataclass(init=False, eq=False)(C)())\n`],
  ["from dataclasses import dataclass", `from dataclasses import dataclass\ndef rule(input, ctx):\n    C = type("C", (), {"__annotations__": {${JSON.stringify(PAYLOAD)}: int}})\n    return repr(dataclass(C)())\n`],
  ["a base whose Field was renamed", `import dataclasses\n@dataclasses.dataclass\nclass B:\n    x: int = 1\ndef rule(input, ctx):\n    dataclasses.fields(B)[0].name = ${JSON.stringify(PAYLOAD)}\n    class C(B):\n        y: int = 2\n    return repr(dataclasses.dataclass(C)())\n`],
])("refuses %s as a field name", async (_name, source) => {
  const result = await fixture.run(source);
  expect(result).toMatchObject({ outcome: "error", error: { name: "TypeError" } });
  expect(JSON.stringify(result)).not.toMatch(/tmp|proc/);
  expect(await fixture.run(PYTHON_PROBE_RULE)).toMatchObject({ outcome: "ok" });
});

it("keeps dataclasses working: defaults, factories, frozen, ordering, inheritance, asdict", async () => {
  const source = "import dataclasses\nfrom dataclasses import dataclass, field\n@dataclass(frozen=True, order=True)\nclass Item:\n    sku: str\n    qty: int = 1\n    tags: tuple = field(default=(), compare=False)\n@dataclass(frozen=True)\nclass Priced(Item):\n    price: float = 0.0\n@dataclass\nclass Basket:\n    items: list = field(default_factory=list)\ndef rule(input, ctx):\n    a = Item('a', 2)\n    b = Priced('b', 1, (), 9.5)\n    return {'sorted': [i.sku for i in sorted([Item('b'), a])], 'dict': dataclasses.asdict(b), 'repr': repr(a), 'basket': len(Basket().items)}\n";
  expect(await fixture.run(source)).toMatchObject({ outcome: "ok", output: { sorted: ["a", "b"], dict: { sku: "b", qty: 1, tags: [], price: 9.5 }, repr: "Item(sku='a', qty=2, tags=())", basket: 0 } });
});
