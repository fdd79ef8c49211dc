// Versions: sequential numbering (also under concurrency), immutability, hashes.
import { inject } from "vitest";
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { call, createRule, get, post } from "../harness/api";

const sha256 = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");

describe("versions", () => {
  it("numbers versions 1, 2, 3 and lists them newest first without source", async () => {
    const id = await createRule({ source: "export default () => 1" });
    for (const n of [2, 3]) {
      const source = `export default () => ${n}`;
      const res = await post(`/api/rules/${id}/versions`, { source, language: "javascript", message: `v${n}`, limits: { timeoutMs: 200 * n } });
      expect(res.status).toBe(201);
      expect(res.body.version).toEqual({
        number: n,
        message: `v${n}`,
        sha256: sha256(source),
        language: "javascript",
        limits: { timeoutMs: 200 * n, memoryMb: 64, maxOutputBytes: 65536, maxLogBytes: 16384 },
        author: inject("admin").email,
        createdAt: expect.any(String),
      });
    }
    const list = await get(`/api/rules/${id}/versions`);
    expect(list.body.versions.map((v: { number: number }) => v.number)).toEqual([3, 2, 1]);
    expect(list.body.versions.every((v: object) => !("source" in v))).toBe(true);
    const rule = await get(`/api/rules/${id}`);
    expect(rule.body.rule.latestVersion).toMatchObject({ number: 3, source: "export default () => 3" });
  });

  it("a saved version never changes: no write method exists for it, and later saves leave it alone", async () => {
    const id = await createRule({ source: "export default () => 'original'" });
    const before = (await get(`/api/rules/${id}/versions/1`)).body.version;
    for (const method of ["PUT", "PATCH", "DELETE"]) {
      const res = await call(method, `/api/rules/${id}/versions/1`, method === "DELETE" ? undefined : { source: "export default () => 'changed'" });
      expect(res.status, method).toBe(405);
    }
    await post(`/api/rules/${id}/versions`, { source: "export default () => 'second'", language: "javascript" });
    expect((await get(`/api/rules/${id}/versions/1`)).body.version).toEqual(before);
    expect(before).toMatchObject({ number: 1, source: "export default () => 'original'", sha256: sha256("export default () => 'original'") });
  });

  it("20 concurrent saves to one rule get 20 distinct consecutive numbers: no duplicate, no gap", async () => {
    const id = await createRule();
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => post(`/api/rules/${id}/versions`, { source: `export default () => ${i}`, language: "javascript", message: `save ${i}` })),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(201));
    const numbers = answers.map((a) => a.body.version.number as number).sort((a, b) => a - b);
    expect(numbers).toEqual(Array.from({ length: 20 }, (_, i) => i + 2));
    const listed = (await get(`/api/rules/${id}/versions`)).body.versions.map((v: { number: number }) => v.number);
    expect(listed).toEqual(Array.from({ length: 21 }, (_, i) => 21 - i));
    // Each number holds the source of the request that got it.
    for (const answer of answers) {
      const n = answer.body.version.number;
      const stored = (await get(`/api/rules/${id}/versions/${n}`)).body.version;
      expect(stored.message).toBe(answer.body.version.message);
      expect(stored.sha256).toBe(sha256(stored.source));
    }
  });
});
