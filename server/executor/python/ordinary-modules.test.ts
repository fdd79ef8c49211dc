// Ordinary rules that use the allowlisted modules the fifth adversarial pass shadowed or guarded
// (dataclasses, typing, enum, copy, collections, functools, json) keep working: shadow modules,
// the dataclass registry, copy's checked reconstruct, the write guard, augmented attribute
// assignment, imports compiled to guard calls and the rules' `type` must be invisible to them.
import { expect, it } from "vitest";
import { usePythonPool } from "../testing/pool-fixture";

const fixture = usePythonPool();

const DATACLASSES = `
import dataclasses, copy
from dataclasses import dataclass, field, asdict, astuple, replace, fields, KW_ONLY
from typing import Optional, List
import enum

class Tier(enum.Enum):
    GOLD = "gold"
    SILVER = "silver"

@dataclass(frozen=True)
class Item:
    sku: str
    qty: int = 1
    tags: List[str] = field(default_factory=list)

@dataclass
class Order:
    id: str
    items: list["Item"]
    tier: Tier = Tier.SILVER
    note: Optional[str] = None
    _: KW_ONLY
    rush: bool = False

@dataclass
class BigOrder(Order):
    weight: float = 0.0

class Plain(Order):
    pass

@dataclass(slots=True, frozen=True)
class Slotted:
    a: int
    b: int = 2

def rule(input, ctx):
    o = Order("o1", [Item("a", 2, ["x"]), Item("b")], Tier.GOLD, rush=True)
    d = asdict(o)
    d["tier"] = d["tier"].value
    return {
        "asdict": d,
        "astuple": list(astuple(Item("c"))),
        "replace": replace(o, note="hi").note,
        "copy.replace": copy.replace(o, note="c").note,
        "fields": [f.name for f in fields(Order)],
        "sub": [f.name for f in fields(BigOrder(id="x", items=[]))],
        "plain": asdict(Plain("p", []))["id"],
        "deepcopy": copy.deepcopy(o) == o and copy.deepcopy(o) is not o,
        "copy": copy.copy(Item("z")) == Item("z"),
        "slotted": [copy.deepcopy(Slotted(1)) == Slotted(1), astuple(Slotted(3))],
        "frozen": repr(Item("q")),
    }
`;

it("dataclasses: asdict, astuple, replace, fields, inheritance, KW_ONLY, slots, copy", async () => {
  const result = await fixture.run(DATACLASSES);
  expect(result).toMatchObject({
    outcome: "ok",
    output: {
      asdict: { id: "o1", items: [{ sku: "a", qty: 2, tags: ["x"] }, { sku: "b", qty: 1, tags: [] }], tier: "gold", note: null, rush: true },
      astuple: ["c", 1, []],
      replace: "hi",
      "copy.replace": "c",
      fields: ["id", "items", "tier", "note", "rush"],
      sub: ["id", "items", "tier", "note", "rush", "weight"],
      plain: "p",
      deepcopy: true,
      copy: true,
      slotted: [true, [3, 2]],
      frozen: "Item(sku='q', qty=1, tags=[])",
    },
  });
});

const MODULES = `
import copy, json, decimal, datetime, functools, enum, typing, operator, string, time
import collections.abc
import collections.abc as cabc
from collections import namedtuple, Counter, defaultdict, OrderedDict
from typing import NamedTuple, TypedDict, Optional
from functools import lru_cache, partial, reduce
try:
    import os
except ImportError:
    os = None

class Pt(NamedTuple):
    x: int
    y: int = 0

class Cfg(TypedDict):
    name: str
    limit: int

P2 = namedtuple("P2", "a b")

class Color(enum.Enum):
    RED = enum.auto()
    BLUE = enum.auto()

class Flags(enum.IntFlag):
    A = 1
    B = 2

class Money:
    def __init__(self, v):
        self.v = decimal.Decimal(v)
    def __add__(self, other):
        return Money(self.v + other.v)
    def __eq__(self, other):
        return isinstance(other, Money) and other.v == self.v
    def __hash__(self):
        return hash(self.v)
    def __repr__(self):
        return "Money(%s)" % self.v

class Counted:
    total = 0
    def __init__(self):
        self.n = 0
    def bump(self):
        self.n += 1
        Counted.total += 2
        return self

@lru_cache(maxsize=None)
def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)

class Meta(type):
    pass

class WithMeta(metaclass=Meta):
    pass

def encode(o):
    if isinstance(o, Money):
        return str(o.v)
    return str(o)

def rule(input, ctx):
    c = Counted().bump().bump()
    ns = type("NS", (), {"k": 1, "__repr__": lambda self: "NS()"})()
    return {
        "deepcopy": str(copy.deepcopy({"a": [1, 2, {"b": 3}], "m": Money("1.5")})),
        "copy": copy.copy([1, [2]]),
        "dc_counter": copy.deepcopy(Counter("aab"))["a"],
        "dc_default": dict(copy.deepcopy(defaultdict(list, {"x": [1]}))),
        "dc_ordered": list(copy.deepcopy(OrderedDict(b=1, a=2))),
        "dc_datetime": copy.deepcopy(datetime.date(2024, 1, 2)).isoformat(),
        "json": json.dumps({"m": Money("2.5"), "t": datetime.date(2024, 1, 2), "d": decimal.Decimal("1.2")}, default=encode, sort_keys=True),
        "namedtuple": [list(Pt(1)), Pt(1, 2).y, P2(1, 2).b, P2(*[5, 2]).a],
        "typeddict": Cfg(name="n", limit=3),
        "enum": [Color.RED.value, Color(2).name, [m.name for m in Color], int(Flags.A | Flags.B)],
        "fib": fib(40),
        "partial": partial(operator.mul, 3)(4),
        "reduce": reduce(operator.add, [1, 2, 3]),
        "itemgetter": operator.itemgetter(1)([5, 6]),
        "template": string.Template("$x!").substitute(x="hi"),
        "money": repr(Money("1") + Money("2")),
        "counted": [c.n, Counted.total],
        "types": [isinstance(int, type), isinstance(3, type), issubclass(Meta, type), type(3) is int, type(int) is type, type(WithMeta) is Meta, type(ns).__name__, ns.k],
        "abc": [isinstance({}, collections.abc.Mapping), isinstance([], cabc.Sequence)],
        "optional": str(Optional[int]),
        "os": os is None,
        "time": isinstance(time.time(), float),
    }
`;

it("copy, json default=, namedtuple, TypedDict, enum, lru_cache, operator, metaclasses, imports", async () => {
  const result = await fixture.run(MODULES);
  expect(result).toMatchObject({
    outcome: "ok",
    output: {
      deepcopy: "{'a': [1, 2, {'b': 3}], 'm': Money(1.5)}",
      copy: [1, [2]],
      dc_counter: 2,
      dc_default: { x: [1] },
      dc_ordered: ["b", "a"],
      dc_datetime: "2024-01-02",
      json: '{"d": "1.2", "m": "2.5", "t": "2024-01-02"}',
      namedtuple: [[1, 0], 2, 2, 5],
      typeddict: { name: "n", limit: 3 },
      enum: [1, "BLUE", ["RED", "BLUE"], 3],
      fib: 102334155,
      partial: 12,
      reduce: 6,
      itemgetter: 6,
      template: "hi!",
      money: "Money(3)",
      counted: [2, 4],
      types: [true, false, true, true, true, true, "NS", 1],
      abc: [true, true],
      optional: "int | None",
      os: true,
      time: true,
    },
  });
});

it("refuses what the fifth pass closed, with a clear error", async () => {
  const cases: [string, string][] = [
    ["import typing\ndef rule(input, ctx):\n    typing.__name__ = 'x'\n", "AttributeError"],
    ["class C:\n    def __reduce_ex__(self, p):\n        return (list, ())\ndef rule(input, ctx):\n    return 1\n", "PolicyError"],
    ["def rule(input, ctx):\n    return type('C', (), {'__reduce_ex__': lambda self, p: (list, ())})\n", "TypeError"],
    ["import dataclasses\n@dataclasses.dataclass\nclass D:\n    x: int = 0\ndef rule(input, ctx):\n    dataclasses.fields(D)[0].name = 'y'\n", "TypeError"],
    ["import operator\ndef rule(input, ctx):\n    return str(type(list[int])(operator, ()).itemgetter)\n", "AttributeError"],
  ];
  for (const [source, name] of cases) {
    expect(await fixture.run(source), source).toMatchObject({ outcome: "error", error: { name } });
  }
});
