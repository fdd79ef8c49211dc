// The Python static check: one case per policy check, positions asserted, and a realistic rule clean.
import { describe, expect, it } from "vitest";
import { analyzeSource } from "../analyze";
import { analyzePython } from "./analyze-python";

const codes = (source: string) => analyzePython(source).map((d) => `${d.code}@${d.line}:${d.column}`);
const RULE = "def rule(input, ctx):\n    return 1\n";

describe("analyzePython", () => {
  it("passes a realistic rule", () => {
    const source = [
      "from decimal import Decimal, ROUND_HALF_UP",
      "from dataclasses import dataclass",
      "import collections.abc",
      "",
      "@dataclass",
      "class Line:",
      "    price: Decimal",
      "    qty: int",
      "    def __init__(self, price, qty):",
      "        self.price = Decimal(str(price))",
      "        self.qty = qty",
      "",
      "def rule(input, ctx):",
      "    lines = [Line(i['price'], i['qty']) for i in input['items']]",
      "    total = sum((l.price * l.qty for l in lines), Decimal(0))",
      "    ctx.log(f'total {total} for {len(lines)} lines # not a comment')",
      "    match input:",
      "        case {'country': 'DE'}:",
      "            vat = Decimal('0.19')",
      "        case _:",
      "            vat = Decimal(0)",
      "    try:",
      "        ratio = 1 / len(lines)",
      "    except ZeroDivisionError:",
      "        ratio = 0",
      "    return {'total': str((total * (1 + vat)).quantize(Decimal('0.01'), ROUND_HALF_UP)), 'ratio': ratio, 'name': __name__}",
    ].join("\n");
    expect(analyzePython(source)).toEqual([]);
  });

  it.each([
    ["import os\n" + RULE, "RB610@1:8"],
    ["import json, sys\n" + RULE, "RB610@1:14"],
    ["from os import path\n" + RULE, "RB610@1:6"],
    ["from . import x\n" + RULE, "RB611@1:6"],
    ["from json import _default_encoder\n" + RULE, "RB612@1:18"],
    ["from typing import get_type_hints\n" + RULE, "RB631@1:20"],
    ["import typing as t\nt.get_type_hints\n" + RULE, "RB631@2:3"],
    ["x = eval('1')\n" + RULE, "RB620@1:5"],
    ["x = __builtins__\n" + RULE, "RB621@1:5"],
    ["x = ().__class__\n" + RULE, "RB630@1:8"],
    ["g = (x for x in [])\ny = g.gi_frame\n" + RULE, "RB630@2:7"],
    ["x = '{0.__class__}'.format(1)\n" + RULE, "RB630@1:5"],
    ["x = getattr((), '__class__')\n" + RULE, "RB633@1:5"],
    ["try:\n    pass\nexcept BaseException:\n    pass\n" + RULE, "RB640@3:8"],
    ["try:\n    pass\nexcept (ValueError, KeyboardInterrupt):\n    pass\n" + RULE, "RB640@3:21"],
    ["try:\n    pass\nexcept:\n    pass\n" + RULE, "RB641@3:1"],
    ["def other(input, ctx):\n    return 1\n", "RB650@1:1"],
  ])("flags %j", (source, expected) => {
    expect(codes(source)).toContain(expected);
  });

  it("ignores names inside strings and comments", () => {
    expect(analyzePython("# import os and eval()\nx = 'eval(__class__) import os'\n" + RULE)).toEqual([]);
    expect(analyzePython('x = """\nimport os\n().__class__\n"""\n' + RULE)).toEqual([]);
  });

  it("is what analyzeSource applies to python and never throws on garbage", () => {
    expect(analyzeSource("import os\n" + RULE, "python").map((d) => d.code)).toEqual(["RB610"]);
    for (let i = 0; i < 200; i++) {
      const garbage = Array.from({ length: 60 }, () => String.fromCharCode(32 + Math.floor(Math.random() * 95))).join("");
      expect(() => analyzePython(garbage)).not.toThrow();
    }
  });

  it("blocks a source over the size limit", () => {
    expect(codes("#".repeat(300_000))).toEqual(["RB602@1:1"]);
  });
});
