import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { buildState, sourceFingerprint, writeBuildStamp } from "../../scripts/source-fingerprint.mjs";

let root: string;

function write(rel: string, text: string): void {
  fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
  fs.writeFileSync(path.join(root, rel), text);
}

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "rulebox-fingerprint-"));
  write("app/page.tsx", "export default function Page() { return null; }\n");
  write("server/executor/worker.ts", "export const x = 1;\n");
  write("package-lock.json", "{}\n");
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

describe("source fingerprint", () => {
  it("changes with a source's content or a new source file, not with a touch", () => {
    const before = sourceFingerprint(root);
    const file = path.join(root, "server/executor/worker.ts");
    fs.utimesSync(file, new Date(2001, 0, 1), new Date(2001, 0, 1));
    expect(sourceFingerprint(root)).toBe(before);
    write("server/executor/worker.ts", "export const x = 2;\n");
    const edited = sourceFingerprint(root);
    expect(edited).not.toBe(before);
    write("components/new.tsx", "export {};\n");
    expect(sourceFingerprint(root)).not.toBe(edited);
  });

  it("ignores tests, generated code, Monaco's copied files and files outside the build inputs", () => {
    const before = sourceFingerprint(root);
    write("server/executor/worker.test.ts", "it();\n");
    write("tests/api/x.itest.ts", "it();\n");
    write("server/db/generated/client.js", "generated\n");
    write("public/monaco/vs/loader.js", "copied\n");
    write("docs/notes.md", "# notes\n");
    write("e2e/journey.spec.ts", "test();\n");
    expect(sourceFingerprint(root)).toBe(before);
  });

  it("reports a build missing, fresh after its stamp, and stale after an edit", () => {
    expect(buildState(root)).toBe("missing");
    write(".next/BUILD_ID", "abc\n");
    write(".executor-dist/manifest.json", "{}\n");
    expect(buildState(root)).toBe("stale"); // a build without a stamp: sources unknown
    writeBuildStamp(root);
    expect(buildState(root)).toBe("fresh");
    write("app/page.tsx", "export default function Page() { return 1; }\n");
    expect(buildState(root)).toBe("stale");
  });
});
