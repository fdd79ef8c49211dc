import fs from "node:fs";
import path from "node:path";
import { validate } from "@readme/openapi-parser";
import { describe, expect, it } from "vitest";
import type { RouteHandler } from "./handler";
import { API_OPERATIONS, buildOpenApiDocument, errorCodesOf, type HttpMethod } from "./openapi";

const API_DIR = path.resolve(__dirname, "../../app/api");
const METHODS: HttpMethod[] = ["GET", "POST", "PATCH", "DELETE"];

/** Every route file under app/api/ (but the catch-all) as its OpenAPI path: app/api/rules/[id]/route.ts → /api/rules/{id}. */
function routeFiles(): { file: string; path: string }[] {
  const found: { file: string; path: string }[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!entry.name.startsWith("[...")) walk(full);
      } else if (entry.name === "route.ts") {
        const rel = path.relative(API_DIR, dir).split(path.sep).join("/");
        found.push({ file: full, path: `/api/${rel.replace(/\[(\w+)\]/g, "{$1}")}` });
      }
    }
  };
  walk(API_DIR);
  return found.sort((a, b) => a.path.localeCompare(b.path));
}

const documented = new Map(API_OPERATIONS.map((op) => [`${op.method} ${op.path}`, op]));

describe("the OpenAPI document covers every route", () => {
  const files = routeFiles();

  it("finds the route files", () => {
    expect(files.length).toBeGreaterThan(25);
  });

  it.each(files)("$path: every exported method is documented with the access and schemas its route declares", async ({ file, path: apiPath }) => {
    const mod = (await import(file)) as Record<string, unknown>;
    const exported = METHODS.filter((m) => typeof mod[m] === "function");
    expect(exported.length, `${file} exports no handler`).toBeGreaterThan(0);
    for (const method of exported) {
      const op = documented.get(`${method} ${apiPath}`);
      expect(op, `${method} ${apiPath} (${path.relative(process.cwd(), file)}) is missing from API_OPERATIONS in server/http/openapi.ts`).toBeDefined();
      const { spec } = mod[method] as RouteHandler;
      expect(op!.access, `${method} ${apiPath}: access`).toBe(spec.access);
      expect(op!.params === spec.params, `${method} ${apiPath}: params schema`).toBe(true);
      expect(op!.query === spec.query, `${method} ${apiPath}: query schema`).toBe(true);
      expect(op!.body === spec.body, `${method} ${apiPath}: body schema`).toBe(true);
    }
  });

  it("documents no route that does not exist", () => {
    const real = new Set(files.map((f) => f.path));
    for (const op of API_OPERATIONS) expect(real.has(op.path), `${op.method} ${op.path} has no route file`).toBe(true);
    expect(documented.size, "an operation is listed twice").toBe(API_OPERATIONS.length);
  });
});

describe("the OpenAPI document", () => {
  const doc = buildOpenApiDocument() as any;

  it("is a valid OpenAPI 3.1 document (@readme/openapi-parser: the official schema plus its own checks)", async () => {
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    expect(Object.keys(doc.paths).length).toBeGreaterThan(25);
    expect(Object.keys(doc.components.schemas)).toEqual(expect.arrayContaining(["ErrorEnvelope", "RuleDetail", "Version", "RunResponse", "ExecuteAnswer", "ExecuteBatchAnswer"]));
    const result = await validate(structuredClone(doc));
    expect(result.valid ? [] : result.errors).toEqual([]);
  });

  it("names both auth schemes, and each operation's security follows its access", () => {
    expect(doc.components.securitySchemes.session).toEqual(expect.objectContaining({ type: "apiKey", in: "cookie", name: "rulebox_session" }));
    expect(doc.components.securitySchemes.apiKey).toEqual(expect.objectContaining({ type: "http", scheme: "bearer" }));
    for (const op of API_OPERATIONS) {
      const entry = doc.paths[op.path][op.method.toLowerCase()];
      const expected = op.access === "public" ? [] : op.access === "apiKey" ? [{ apiKey: [] }] : [{ session: [] }];
      expect(entry.security, `${op.method} ${op.path}`).toEqual(expected);
    }
  });

  it("lists the error statuses each operation can answer, with the envelope", () => {
    const execute = doc.paths["/api/rules/{id}/execute"].post;
    expect(Object.keys(execute.responses).sort()).toEqual(["200", "400", "401", "403", "404", "409", "413", "422", "429", "500", "503"]);
    expect(execute.responses["401"].content["application/json"].schema).toEqual({ $ref: "#/components/schemas/ErrorEnvelope" });
    expect(doc.components.schemas.ErrorEnvelope.properties.error.properties.code.enum).toContain("validation_failed");
    const health = API_OPERATIONS.find((op) => op.path === "/api/health")!;
    expect(errorCodesOf(health)).not.toContain("unauthorized");
  });

  it("describes request bodies as a client sends them (defaults optional) and refuses unknown fields", () => {
    const body = doc.components.schemas.SaveVersionBody;
    expect(body.required).toEqual(["source", "language"]);
    expect(body.additionalProperties).toBe(false);
    expect(doc.paths["/api/rules/{id}/versions/{n}"].get.parameters.map((p: any) => [p.name, p.in, p.schema.type])).toEqual([
      ["id", "path", "string"],
      ["n", "path", "string"],
    ]);
  });
});
