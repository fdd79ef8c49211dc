import { describe, expect, it } from "vitest";
import policy from "@/server/analysis/python/policy.json";
import members from "@/server/analysis/python/module-members.json";
import { importBindings, inputKeys, lexicalStateAtEnd, moduleMembers, pythonCompletions, pythonHover, resolveModule, ruleParameterNames } from "./python-completions";

const SAMPLE = { amount: 120, country: "DE", zero: 0, customer: { tier: "gold", since: 2019 }, items: [{ sku: "a", price: 1.5 }, { sku: "b", qty: 2 }] };

function labels(text: string, sample: unknown = SAMPLE, full?: string): string[] | null {
  return pythonCompletions(text, sample, full)?.items.map((i) => i.label) ?? null;
}

describe("lexicalStateAtEnd", () => {
  it.each([
    ["x = 1", "code"],
    ["x = 1  # ctx.", "comment"],
    ["x = 'a' # c\ny = ", "code"],
    ['s = "ctx.', "string"],
    ['s = "a\\"b', "string"],
    ['"""doc\nctx.', "string"],
    ['"""doc"""\nctx.', "code"],
    ["s = '#'; t = ", "code"],
  ])("%j → %s", (text, state) => {
    expect(lexicalStateAtEnd(text)).toBe(state);
  });
});

describe("ctx", () => {
  it("offers log, now, rule_id and version with documentation", () => {
    const result = pythonCompletions("def rule(input, ctx):\n    ctx.", SAMPLE);
    expect(result?.items.map((i) => i.label)).toEqual(["log", "now", "rule_id", "version"]);
    expect(result?.items.every((i) => (i.documentation ?? "").length > 20)).toBe(true);
    expect(result?.replaceLength).toBe(0);
  });

  it("replaces the part already typed", () => {
    expect(pythonCompletions("    ctx.lo", SAMPLE)?.replaceLength).toBe(2);
  });

  it("follows the rule's own name for its second parameter", () => {
    const source = "def rule(data, context):\n    context.";
    expect(labels(source)).toContain("log");
    expect(labels("def rule(data, context):\n    ctx.")).toBeNull();
  });

  it("offers nothing in a comment, a string or a docstring", () => {
    expect(labels("    # ctx.")).toBeNull();
    expect(labels('    s = "ctx.')).toBeNull();
    expect(labels('def rule(input, ctx):\n    """see ctx.')).toBeNull();
  });

  it("offers nothing after another object's attribute that happens to be named ctx", () => {
    expect(labels("    self.ctx.")).toBeNull();
  });
});

describe("imports", () => {
  const allowed = policy.allowedModules.map((m) => m.name);

  it("offers every allowed module after `import ` and `from `, with its description", () => {
    expect(labels("import ")).toEqual(allowed);
    expect(labels("from ")).toEqual(allowed);
    const decimal = pythonCompletions("import dec", SAMPLE)!;
    expect(decimal.replaceLength).toBe(3);
    expect(decimal.items.find((i) => i.label === "decimal")?.documentation).toMatch(/decimal arithmetic/i);
  });

  it("never offers a blocked module", () => {
    for (const name of ["os", "sys", "subprocess", "importlib"]) expect(labels("import ")).not.toContain(name);
  });

  it("completes the part after a dot and after a comma", () => {
    expect(labels("import collections.")).toEqual(["abc"]);
    expect(pythonCompletions("import collections.a", SAMPLE)?.replaceLength).toBe(1);
    expect(labels("import math, ")).toEqual(allowed);
    expect(labels("import math as m, ")).toEqual(allowed);
  });

  it("offers a module's members after `from m import `, blocked members left out", () => {
    const names = labels("from functools import ")!;
    expect(names).toContain("reduce");
    expect(names).toContain("lru_cache");
    expect(names).not.toContain("singledispatch");
    expect(labels("from functools import reduce, ")).toContain("partial");
    expect(labels("from collections import ")).toContain("abc");
  });

  it("offers nothing from a module that is not allowed", () => {
    expect(labels("from os import ")).toBeNull();
    expect(labels("import os\nos.")).toBeNull();
  });
});

describe("module members", () => {
  it("lists public members with their kind, none beginning with _, no blocked ones", () => {
    const math = moduleMembers("math");
    expect(math.find((m) => m.label === "ceil")?.kind).toBe("function");
    expect(math.find((m) => m.label === "pi")?.kind).toBe("constant");
    expect(moduleMembers("decimal").find((m) => m.label === "Decimal")?.kind).toBe("class");
    for (const [module, list] of Object.entries(members.modules)) {
      for (const m of moduleMembers(module)) expect(m.label.startsWith("_"), `${module}.${m.label}`).toBe(false);
      expect(list.length, module).toBeGreaterThan(0);
    }
    for (const blocked of policy.blockedMembers) {
      expect(moduleMembers(blocked.object).map((m) => m.label)).not.toContain(blocked.name);
    }
  });

  it("has members for every allowed module", () => {
    expect(Object.keys(members.modules).sort()).toEqual(policy.allowedModules.map((m) => m.name).sort());
  });

  it("leaves out the modules a module merely imported for itself", () => {
    expect(moduleMembers("statistics").map((m) => m.label)).not.toContain("math");
    expect(moduleMembers("typing").map((m) => m.label)).not.toContain("sys");
  });
});

describe("import bindings", () => {
  const source = [
    "import math",
    "import collections.abc",
    "import decimal as d, json",
    "from collections import abc as cabc",
    "from datetime import date",
    "import os",
    "import os.path as p",
  ].join("\n");

  it("binds names to the allowed modules they refer to", () => {
    expect(Object.fromEntries(importBindings(source))).toEqual({ math: "math", collections: "collections", d: "decimal", json: "json", cabc: "collections.abc" });
  });

  it("resolves dotted names through them", () => {
    const bindings = importBindings(source);
    expect(resolveModule("collections.abc", bindings)).toBe("collections.abc");
    expect(resolveModule("cabc", bindings)).toBe("collections.abc");
    expect(resolveModule("d", bindings)).toBe("decimal");
    expect(resolveModule("decimal", bindings)).toBeNull();
    expect(resolveModule("p", bindings)).toBeNull();
  });

  it("completes an alias's members, and a submodule's", () => {
    const rule = `${source}\n\ndef rule(input, ctx):\n    `;
    expect(labels(`${rule}d.`, SAMPLE)).toContain("Decimal");
    expect(labels(`${rule}collections.`, SAMPLE)).toEqual(expect.arrayContaining(["Counter", "abc", "defaultdict"]));
    expect(labels(`${rule}collections.abc.`, SAMPLE)).toContain("Mapping");
    expect(labels(`${rule}cabc.Ma`, SAMPLE)).toContain("Mapping");
    expect(labels(`${rule}x = math.`, SAMPLE)).toContain("floor");
    // Not imported under that name: nothing, rather than guessing.
    expect(labels(`${rule}decimal.`, SAMPLE)).toBeNull();
  });

  it("uses imports anywhere in the file, not only above the cursor", () => {
    const before = "def rule(input, ctx):\n    return d.";
    const full = `${before}\n\nimport decimal as d\n`;
    expect(labels(before, SAMPLE, full)).toContain("Decimal");
  });

  it("leaves blocked members out after an alias too", () => {
    expect(labels("import time as t\nt.", SAMPLE)).not.toContain("sleep");
    expect(labels("import time as t\nt.", SAMPLE)).toContain("time");
  });
});

describe("input keys", () => {
  it("offers the sample's top-level keys after `input[` with and without a quote", () => {
    const quoted = pythonCompletions('    x = input["', SAMPLE)!;
    expect(quoted.items.map((i) => i.insertText)).toEqual(["amount", "country", "zero", "customer", "items"]);
    expect(quoted.items.find((i) => i.filterText === "amount")?.detail).toBe("int");
    const bare = pythonCompletions("    x = input[", SAMPLE)!;
    expect(bare.items.map((i) => i.insertText)).toContain('"country"');
  });

  it("replaces the part of the key already typed", () => {
    const result = pythonCompletions("    input['cou", SAMPLE)!;
    expect(result.replaceLength).toBe(3);
    expect(result.items.find((i) => i.insertText === "country")).toBeTruthy();
  });

  it("follows nested subscripts and .get into dicts, and lists into their items", () => {
    expect(labels('    input["customer"]["')).toEqual(['"tier"', '"since"']);
    expect(labels('    input.get("customer", {}).get("')).toEqual(['"tier"', '"since"']);
    expect(labels('    input.get("')).toContain('"amount"');
    expect(labels('    input["items"][0]["')).toEqual(['"sku"', '"price"', '"qty"']);
    expect(labels('    input["items"][i]["')).toEqual(['"sku"', '"price"', '"qty"']);
  });

  it("offers nothing where the sample has no dict", () => {
    expect(labels('    input["amount"]["')).toBeNull();
    expect(labels('    input["missing"]["')).toBeNull();
    expect(labels('    input["', [1, 2])).toBeNull();
  });

  it("follows the rule's own name for its first parameter and ignores other names", () => {
    expect(labels('def rule(data, ctx):\n    data["')).toContain('"amount"');
    expect(labels('    my_input["')).toBeNull();
    expect(labels('    # input["')).toBeNull();
    expect(labels('    s = "input["')).toBeNull();
  });

  it("describes keys seen with several types", () => {
    expect(inputKeys({ rows: [{ v: 1 }, { v: "x" }, { v: null }] }, ["rows", null])).toEqual([{ key: "v", type: "int | str | None", example: "1" }]);
  });
});

describe("ruleParameterNames", () => {
  it("reads annotated parameters and falls back to input, ctx", () => {
    expect(ruleParameterNames("def rule(payload: dict, c):\n  pass")).toEqual({ input: "payload", ctx: "c" });
    expect(ruleParameterNames("x = 1")).toEqual({ input: "input", ctx: "ctx" });
  });
});

describe("pythonHover", () => {
  const source = "import decimal as d\n\ndef rule(input, ctx):\n    ctx.log(ctx.now, d.Decimal(1))  # ctx.now\n";

  it("documents ctx's members", () => {
    expect(pythonHover(source, 4, 9)).toMatchObject({ title: expect.stringContaining("log("), documentation: expect.stringMatching(/log line/) });
    expect(pythonHover(source, 4, 18)?.documentation).toMatch(/clock/);
  });

  it("documents a module's members and an imported module", () => {
    expect(pythonHover(source, 4, 26)?.title).toBe("decimal.Decimal (class)");
    expect(pythonHover(source, 4, 22)?.title).toBe("module decimal");
    expect(pythonHover(source, 1, 10)?.documentation).toMatch(/decimal arithmetic/i);
  });

  it("says nothing in a comment or off a name", () => {
    expect(pythonHover(source, 4, 44)).toBeNull();
    expect(pythonHover(source, 2, 1)).toBeNull();
    expect(pythonHover(source, 4, 5)).toBeNull();
  });
});
