import { describe, expect, it } from "vitest";
import { compileRule, createCompileCache } from "./compile";
import { DEFAULT_LOCAL, MODULES_PARAM, PRELUDE_LINES } from "./protocol";

/** The compiled body lines that correspond to the user's lines (after the prelude). */
function userLines(code: string, count: number): string[] {
  return code.split("\n").slice(PRELUDE_LINES, PRELUDE_LINES + count);
}

async function compileOk(source: string, language: "javascript" | "typescript" = "javascript") {
  const result = await compileRule(source, language);
  if (!result.ok) throw new Error(`expected ok, got ${JSON.stringify(result.error)}`);
  return result;
}

describe("compileRule", () => {
  it("keeps every user token at its line and column (JavaScript)", async () => {
    const source = `import _ from "lodash";\nimport { sumBy as s, get } from "lodash";\nexport const rate = 0.1;\nexport default function rule(input, ctx) {\n  return s(input.items, "p") * rate;\n}\n`;
    const { code, imports } = await compileOk(source);
    const lines = userLines(code, 6);
    const original = source.split("\n");
    // Every non-blank character of lines that kept code stays exactly where it was.
    expect(lines[2]).toBe(original[2]!.replace("export ", "       "));
    expect(lines[4]).toBe(original[4]);
    expect(lines[3]!.indexOf("function rule")).toBe(original[3]!.indexOf("function rule"));
    expect(lines[0]!.trim()).toBe("");
    expect(imports).toEqual([
      { module: "lodash", imported: "default", local: "_", line: 1, column: 8 },
      { module: "lodash", imported: "sumBy", local: "s", line: 2, column: 10 },
      { module: "lodash", imported: "get", local: "get", line: 2, column: 22 },
    ]);
    expect(code.split("\n")[0]).toContain(`_=${MODULES_PARAM}["lodash"]["default"]`);
    expect(code.split("\n").length).toBeGreaterThan(PRELUDE_LINES + 6);
  });

  it("keeps positions when stripping TypeScript", async () => {
    const source = `import type { Foo } from "zod";\ninterface Order { total: number }\nexport default function rule(input: Order): number {\n  const x: number = input.total as number;\n  return x;\n}\n`;
    const { code } = await compileOk(source, "typescript");
    const lines = userLines(code, 6);
    expect(lines[3]!.indexOf("input.total")).toBe(source.split("\n")[3]!.indexOf("input.total"));
    expect(lines[3]).not.toContain("number");
    expect(lines[1]!.trim()).toBe("");
  });

  it.each([
    ["named function", `export default function rule() { return 1; }`, `${DEFAULT_LOCAL}=rule;`],
    ["class", `export default class Rule {}`, `${DEFAULT_LOCAL}=Rule;`],
    ["export { x as default }", `const x = () => 1;\nexport { x as default };`, `${DEFAULT_LOCAL}=x;`],
  ])("binds the default export of a %s", async (_kind, source, expected) => {
    const { code } = await compileOk(source);
    expect(code).toContain(expected);
  });

  it("turns `export default <expr>` into an assignment of the same length", async () => {
    const source = `export default (input) => input;`;
    const { code } = await compileOk(source);
    const line = userLines(code, 1)[0]!;
    expect(line).toHaveLength(source.length);
    expect(line.indexOf("(input)")).toBe(source.indexOf("(input)"));
    expect(line.startsWith(`${DEFAULT_LOCAL}=`)).toBe(true);
  });

  it("keeps the parentheses of a parenthesized default export", async () => {
    for (const source of [`export default (function (i) { return i; });`, `export default ((i) => i);`, `export default ((((i) => i)));`]) {
      const { code } = await compileOk(source);
      const line = userLines(code, 1)[0]!;
      expect(line, source).toHaveLength(source.length);
      expect(line.replace(/\s+/g, "")).toBe(`${DEFAULT_LOCAL}=${source.slice("export default ".length).replace(/\s+/g, "")}`);
    }
  });

  it("refuses modules outside the preloaded set with the specifier's position", async () => {
    const result = await compileRule(`import _ from "lodash";\nimport fs from "node:fs";\nexport default () => fs;`, "javascript");
    expect(result).toEqual({
      ok: false,
      error: { name: "ImportError", message: expect.stringContaining('"node:fs"'), frames: [{ line: 2, column: 16 }] },
    });
    const reexport = await compileRule(`export * from "child_process";\nexport default 1;`, "javascript");
    expect(reexport.ok).toBe(false);
  });

  it("reports syntax errors and missing default exports", async () => {
    expect(await compileRule(`export default function ( {`, "javascript")).toMatchObject({ ok: false, error: { name: "SyntaxError" } });
    expect(await compileRule(`export const x = 1;`, "javascript")).toMatchObject({ ok: false, error: { message: expect.stringContaining("export default") } });
  });

  it.each([
    ["enum", `enum A { B }\nexport default () => A.B;`, 1, 1],
    ["namespace", `const a = 1;\nnamespace N { export const x = 1 }\nexport default () => N;`, 2, 1],
    ["parameter property", `class C {\n  constructor(private x: number) {}\n}\nexport default () => new C(1);`, 2, 15],
  ])("refuses TypeScript %s with its position", async (_kind, source, line, column) => {
    const result = await compileRule(source, "typescript");
    expect(result).toMatchObject({ ok: false, error: { name: "SyntaxError", frames: [{ line, column }] } });
  });
});

describe("createCompileCache", () => {
  it("returns the same result for the same source and evicts the oldest entry", async () => {
    const cache = createCompileCache(2);
    const a = await cache.compile(`export default () => 1;`, "javascript");
    expect(cache.compile(`export default () => 1;`, "javascript")).toBe(a);
    await cache.compile(`export default () => 2;`, "javascript");
    await cache.compile(`export default () => 3;`, "javascript");
    expect(cache.size).toBe(2);
    expect(cache.compile(`export default () => 1;`, "javascript")).toBeInstanceOf(Promise);
  });
});
