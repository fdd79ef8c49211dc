// Derives a TypeScript type from a sample JSON value so the editor can complete `input.` with the
// fields the rule will really receive. Arrays merge their elements' shapes; a field missing from
// some elements becomes optional.

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const MAX_DEPTH = 12;

type Shape =
  | { kind: "primitive"; names: Set<string> }
  | { kind: "array"; element: Shape | null }
  | { kind: "object"; fields: Map<string, { shape: Shape; count: number }>; count: number }
  | { kind: "union"; members: Shape[] };

function shapeOf(value: unknown, depth: number): Shape {
  if (depth > MAX_DEPTH) return { kind: "primitive", names: new Set(["unknown"]) };
  if (value === null) return { kind: "primitive", names: new Set(["null"]) };
  if (Array.isArray(value)) {
    let element: Shape | null = null;
    for (const item of value) element = element ? mergeShapes(element, shapeOf(item, depth + 1)) : shapeOf(item, depth + 1);
    return { kind: "array", element };
  }
  if (typeof value === "object") {
    const fields = new Map<string, { shape: Shape; count: number }>();
    for (const [key, v] of Object.entries(value as Record<string, unknown>)) fields.set(key, { shape: shapeOf(v, depth + 1), count: 1 });
    return { kind: "object", fields, count: 1 };
  }
  if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") {
    return { kind: "primitive", names: new Set([typeof value]) };
  }
  return { kind: "primitive", names: new Set(["unknown"]) };
}

function mergeShapes(a: Shape, b: Shape): Shape {
  if (a.kind === "primitive" && b.kind === "primitive") return { kind: "primitive", names: new Set([...a.names, ...b.names]) };
  if (a.kind === "array" && b.kind === "array") {
    const element = a.element && b.element ? mergeShapes(a.element, b.element) : (a.element ?? b.element);
    return { kind: "array", element };
  }
  if (a.kind === "object" && b.kind === "object") {
    const fields = new Map(a.fields);
    for (const [key, field] of b.fields) {
      const existing = fields.get(key);
      fields.set(key, existing ? { shape: mergeShapes(existing.shape, field.shape), count: existing.count + field.count } : field);
    }
    return { kind: "object", fields, count: a.count + b.count };
  }
  const members = [...(a.kind === "union" ? a.members : [a]), ...(b.kind === "union" ? b.members : [b])];
  const merged: Shape[] = [];
  for (const m of members) {
    const index = merged.findIndex((x) => x.kind === m.kind && m.kind !== "union");
    if (index >= 0) merged[index] = mergeShapes(merged[index]!, m);
    else merged.push(m);
  }
  return merged.length === 1 ? merged[0]! : { kind: "union", members: merged };
}

function render(shape: Shape, indent: string): string {
  switch (shape.kind) {
    case "primitive":
      return [...shape.names].sort().join(" | ");
    case "array": {
      if (!shape.element) return "unknown[]";
      const inner = render(shape.element, indent);
      return /[|&]/.test(inner) && shape.element.kind !== "object" ? `Array<${inner}>` : `${inner}[]`;
    }
    case "object": {
      if (shape.fields.size === 0) return "Record<string, unknown>";
      const next = `${indent}  `;
      const lines = [...shape.fields].map(([key, field]) => {
        const name = IDENTIFIER.test(key) ? key : JSON.stringify(key);
        const optional = field.count < shape.count ? "?" : "";
        return `${next}${name}${optional}: ${render(field.shape, next)};`;
      });
      return `{\n${lines.join("\n")}\n${indent}}`;
    }
    case "union":
      return shape.members.map((m) => render(m, indent)).join(" | ");
  }
}

/** The TypeScript type text describing `sample` (e.g. `{ items: { price: number }[] }`). */
export function typeFromJson(sample: unknown): string {
  if (sample === undefined) return "unknown";
  return render(shapeOf(sample, 0), "");
}
