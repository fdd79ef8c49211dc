// Which sources a production build was made from: `npm run build` records the fingerprint next to
// the build, and `npm start` rebuilds when the sources differ (after a `git pull`, an edit, a
// branch switch), not only when no build exists. Content hashes, not mtimes: a checkout rewrites
// mtimes without changing anything. Tests, generated code and Monaco's copied files do not count.
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";

/** Paths (relative to the project root) whose content goes into a build. */
export const BUILD_INPUTS = [
  "app",
  "components",
  "server",
  "prisma",
  "public",
  "instrumentation.ts",
  "next.config.ts",
  "prisma.config.ts",
  "tsconfig.json",
  "package.json",
  "package-lock.json",
  "scripts/build.mjs",
  "scripts/build-executor.mjs",
  "scripts/prisma-generate.mjs",
];

const IGNORED = [/(^|\/)server\/db\/generated(\/|$)/, /(^|\/)public\/monaco(\/|$)/, /\.(test|itest)\.tsx?$/, /(^|\/)\.DS_Store$/];

export const STAMP_FILE = path.join(".next", "rulebox-sources.sha256");

function listFiles(root, rel) {
  const abs = path.join(root, rel);
  if (!fs.existsSync(abs)) return [];
  if (fs.statSync(abs).isFile()) return [rel];
  return fs
    .readdirSync(abs, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(root, path.join(e.parentPath ?? e.path, e.name)).split(path.sep).join("/"));
}

/** sha256 over every build input's path and content, in a stable order. */
export function sourceFingerprint(root) {
  const files = BUILD_INPUTS.flatMap((rel) => listFiles(root, rel))
    .filter((f) => !IGNORED.some((re) => re.test(f)))
    .sort();
  const hash = createHash("sha256");
  for (const file of files) {
    hash.update(file).update("\0").update(fs.readFileSync(path.join(root, file))).update("\0");
  }
  return hash.digest("hex");
}

/** Records the fingerprint of the sources a successful build was made from. */
export function writeBuildStamp(root, fingerprint = sourceFingerprint(root)) {
  fs.writeFileSync(path.join(root, STAMP_FILE), `${fingerprint}\n`);
}

/** "missing" (no build), "stale" (built from other sources) or "fresh". */
export function buildState(root) {
  const built = fs.existsSync(path.join(root, ".next", "BUILD_ID")) && fs.existsSync(path.join(root, ".executor-dist", "manifest.json"));
  if (!built) return "missing";
  const stamp = path.join(root, STAMP_FILE);
  if (!fs.existsSync(stamp)) return "stale";
  return fs.readFileSync(stamp, "utf8").trim() === sourceFingerprint(root) ? "fresh" : "stale";
}
