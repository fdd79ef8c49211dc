// The Python static check: one case per policy check with its range, ~30 realistic rules clean,
// syntax errors with their position, lezer's known false positives not reported, and the limits.
import { describe, expect, it } from "vitest";
import { analyzeSource } from "../analyze";
import { analyzePython, tokenize } from "./analyze-python";
import policy from "./policy.json";
import { BLOCKED_CASES, VALID_RULES } from "./python-cases";

const codes = (source: string) => analyzePython(source).map((d) => `${d.code}@${d.line}:${d.column}`);
const RULE = "def rule(input, ctx):\n    return 1\n";

describe("analyzePython", () => {
  it.each(BLOCKED_CASES)("flags %j", (source, expected) => {
    const [code, line, column, endColumn] = /^(RB\d+)@(\d+):(\d+)-(\d+)$/.exec(expected)!.slice(1);
    expect(analyzePython(source)).toContainEqual(expect.objectContaining({ code, line: Number(line), column: Number(column), endLine: Number(line), endColumn: Number(endColumn) }));
  });

  it.each(VALID_RULES.map((source, i) => [i + 1, source] as const))("passes valid rule #%i", (_i, source) => {
    expect(analyzePython(source)).toEqual([]);
  });

  it.each([
    // lezer reads `:` as the start of a type annotation and errs at the next line.
    ["def rule(input, ctx:\n    return 1\n", 2, 5, "unexpected `return`"],
    ["def rule(input, ctx)\n    return 1\n", 1, 21, "expected `:`"],
    ["def rule(input, ctx):\nreturn 1\n", 2, 1, "expected an indented block"],
    [RULE + "x = (1,\n", 3, 5, "`(` on line 3 is never closed"],
    ["x = 1 +\n" + RULE, 1, 8, "unexpected end of line"],
    [RULE + "x = 1 +\n", 3, 8, "unexpected end of input"],
    [RULE + "x = )\n", 3, 5],
    [RULE + "if x\n    pass\n", 3, 5],
    [RULE + "print 'hello'\n", 3, 1],
  ] as [string, number, number, string?][])("reports the syntax error in %j", (source, line, column, message) => {
    const errors = analyzePython(source).filter((d) => d.code === "RB601");
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ severity: "error", line, column });
    expect(errors[0]!.message).toMatch(/^Syntax error: .+\.$/);
    if (message) expect(errors[0]!.message).toBe(`Syntax error: ${message}.`);
  });

  it.each([
    "match input:\n    case str():\n        pass\n    case int() | float() as n:\n        pass\n",
    "def gen():\n    x = yield\n    y = (yield)\n",
    "with (open_a() as a, open_b() as b):\n    pass\n",
    "for x in *[1], *[2]:\n    pass\n",
    "ok = x" + " and x".repeat(1000) + "\n",
    "total = a" + " + a.b[0]".repeat(400) + "\n",
    "with (\n    open_a() as a,\n    open_b() as b,\n):\n    pass\n",
  ])("does not report lezer's known false positive %j", (source) => {
    expect(codes(source + RULE).filter((c) => c.startsWith("RB601"))).toEqual([]);
  });

  it("still checks the escape names in a source lezer recovered from", () => {
    expect(codes("with (a as b, ().__class__ as c):\n    pass\n" + RULE)).toContain("RB630@1:18");
    expect(codes("def rule(input, ctx:\n    return eval(x).__globals__\n")).toEqual(expect.arrayContaining(["RB601@2:5", "RB620@2:12", "RB630@2:20"]));
  });

  it("reports a syntax error without mistaking the rule's input parameter for input() past it", () => {
    const source = 'def rule(input, ctx):\n    print(input["a"])\n        ctx.log("x", input["a"])\n    return input["b"]\n';
    const found = analyzePython(source);
    expect(found.map((d) => d.code)).toEqual(["RB601"]);
    // A real input() call is still reported once the syntax is fixed.
    expect(codes("def rule(data, ctx):\n    return input()\n")).toEqual(["RB620@2:12"]);
  });

  it("ignores names inside strings and comments", () => {
    expect(analyzePython("# import os and eval()\nx = 'eval(__class__) import os'\n" + RULE)).toEqual([]);
    expect(analyzePython('x = """\nimport os\n().__class__\n"""\n' + RULE)).toEqual([]);
    expect(analyzePython("x = 'obj.__class__ and {0.__class__}'\n" + RULE)).toEqual([]);
  });

  it("tells the rule's input parameter from the input() builtin", () => {
    expect(analyzePython("def rule(input, ctx):\n    f = lambda k: input[k]\n    return [input[k] for k in input]\n")).toEqual([]);
    expect(codes("def helper():\n    return input()\n" + RULE)).toEqual(["RB620@2:12"]);
  });

  it("tells a parameter named like a module from the module", () => {
    expect(analyzePython("import typing\ndef helper(typing):\n    return typing.get_type_hints\n" + RULE)).toEqual([]);
    expect(codes("import typing\ndef helper(x):\n    return typing.get_type_hints(x)\n" + RULE)).toEqual(["RB631@3:19"]);
  });

  it("is what analyzeSource applies to python and never throws on garbage", () => {
    expect(analyzeSource("import os\n" + RULE, "python").map((d) => d.code)).toEqual(["RB610"]);
    for (let i = 0; i < 300; i++) {
      const garbage = Array.from({ length: 80 }, () => String.fromCharCode(32 + Math.floor(Math.random() * 95))).join("").replaceAll("~", "\n");
      const result = analyzePython(garbage);
      expect(result.every((d) => d.code !== "RB600")).toBe(true);
    }
  });

  it("blocks a source over the size limit", () => {
    expect(codes("#".repeat(300_000))).toEqual(["RB602@1:1"]);
  });

  it("refuses very deep nesting without overflowing the stack", () => {
    expect(codes("x = " + "(".repeat(5000) + "1" + ")".repeat(5000) + "\n" + RULE)).toEqual(["RB603@1:205"]);
    expect(codes("x = " + "[".repeat(150) + "]".repeat(150) + "\n" + RULE)).toEqual([]);
    const deep = ["x = 1"];
    for (let i = 0; i < 8_000; i++) deep.push("x = -x if x else not x");
    const chain = "y = a" + ".b".repeat(20_000) + "\n" + "z = " + "not ".repeat(20_000) + "x\n";
    for (const source of [deep.join("\n") + "\n" + RULE, chain + RULE]) {
      expect(analyzePython(source).filter((d) => d.severity === "error")).toEqual([]);
    }
  });

  it("lists at most 100 problems, errors first, then a summary", () => {
    const result = analyzePython("global g\n".repeat(150) + "x = eval\n".repeat(150) + RULE);
    expect(result).toHaveLength(101);
    expect(result.slice(0, 100).every((d) => d.code === "RB620")).toBe(true);
    expect(result[100]).toMatchObject({ code: "RB605", severity: "warning", message: expect.stringContaining("200 more problems") });
  });

  it("takes the self-matching class-pattern types from policy.json (the list runner.py reads too)", () => {
    const match = (cls: string) => analyzePython(`def rule(input, ctx):\n    match input:\n        case ${cls}(x):\n            return x\n    return 0\n`).filter((d) => d.code === "RB643");
    for (const name of policy.selfMatchingTypes.names) expect(match(name)).toEqual([]);
    const [refused] = match("Point");
    expect(refused!.message).toContain("work only with bool, bytearray, bytes, dict, float, frozenset, int, list, set, str and tuple in a rule");
    expect(refused!.message).not.toContain("{types}");
  });

  it("keeps the token contract the culprit fingerprint uses", () => {
    expect(tokenize("x = f(a, # c\n  'b')  \n").map((t) => `${t.kind}:${t.text}`)).toEqual(["name:x", "op:=", "name:f", "op:(", "name:a", "op:,", "string:'b'", "op:)", "newline:\n", "newline:\n"]);
  });
});
