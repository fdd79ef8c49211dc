import { describe, expect, it } from "vitest";
import { typeFromJson } from "./json-to-type";

describe("typeFromJson", () => {
  it("describes primitives and null", () => {
    expect(typeFromJson(1)).toBe("number");
    expect(typeFromJson("a")).toBe("string");
    expect(typeFromJson(true)).toBe("boolean");
    expect(typeFromJson(null)).toBe("null");
    expect(typeFromJson(undefined)).toBe("unknown");
  });

  it("describes nested objects with quoted keys where needed", () => {
    expect(typeFromJson({ a: 1, "b-c": { d: "x" } })).toBe('{\n  a: number;\n  "b-c": {\n    d: string;\n  };\n}');
  });

  it("merges array elements and marks fields missing from some elements optional", () => {
    const type = typeFromJson({ items: [{ price: 1, sku: "a" }, { price: 2 }] });
    expect(type).toBe("{\n  items: {\n    price: number;\n    sku?: string;\n  }[];\n}");
  });

  it("unions mixed element types", () => {
    expect(typeFromJson([1, "a", null])).toBe("Array<null | number | string>");
    expect(typeFromJson([])).toBe("unknown[]");
    expect(typeFromJson({})).toBe("Record<string, unknown>");
  });
});
