// Serves Monaco from our own origin (never a CDN) and prepares the type declarations the editor
// needs for IntelliSense on the preloaded libraries. Runs at postinstall; idempotent, and a no-op
// when the copy is already current (a stamp records the versions it was made from).
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const nodeModules = path.join(root, "node_modules");
const outDir = path.join(root, "public", "monaco");
const stampFile = path.join(outDir, "stamp.json");
const TYPES_FORMAT = 2;

/** Packages whose declarations the editor loads, with their entry declaration file. */
const TYPE_PACKAGES = [
  { name: "lodash", dir: "@types/lodash", entry: "index.d.ts" },
  { name: "dayjs", dir: "dayjs", entry: "index.d.ts" },
  { name: "decimal.js", dir: "decimal.js", entry: "decimal.d.ts" },
  { name: "zod", dir: "zod", entry: "index.d.cts" },
];

function readVersion(dir) {
  return JSON.parse(fs.readFileSync(path.join(nodeModules, dir, "package.json"), "utf8")).version;
}

function currentStamp() {
  const versions = Object.fromEntries(TYPE_PACKAGES.map((p) => [p.dir, readVersion(p.dir)]));
  return JSON.stringify({ monaco: readVersion("monaco-editor"), typesFormat: TYPES_FORMAT, versions });
}

const SPECIFIER_PATTERNS = [
  /\bfrom\s+["']([^"']+)["']/g,
  /\bimport\s*\(\s*["']([^"']+)["']\s*\)/g,
  /\bimport\s+["']([^"']+)["']/g,
  /\/\/\/\s*<reference\s+path\s*=\s*["']([^"']+)["']/g,
];

function resolveDeclaration(fromFile, specifier) {
  const base = path.resolve(path.dirname(fromFile), specifier);
  const stem = base.replace(/\.(c|m)?js$/, "");
  const candidates = specifier.endsWith(".d.ts")
    ? [base]
    : [`${stem}.d.ts`, `${stem}.d.cts`, `${stem}.d.mts`, path.join(stem, "index.d.ts"), path.join(stem, "index.d.cts")];
  return candidates.find((c) => fs.existsSync(c) && fs.statSync(c).isFile());
}

/** Every declaration file reachable from the entry through relative imports and references. */
function collectDeclarations(pkgDir, entry) {
  const seen = new Set();
  const queue = [path.join(pkgDir, entry)];
  while (queue.length > 0) {
    const file = queue.pop();
    if (seen.has(file)) continue;
    seen.add(file);
    const text = fs.readFileSync(file, "utf8");
    for (const pattern of SPECIFIER_PATTERNS) {
      for (const match of text.matchAll(pattern)) {
        const specifier = match[1];
        if (!specifier.startsWith(".")) continue;
        const resolved = resolveDeclaration(file, specifier);
        if (resolved && resolved.startsWith(pkgDir)) queue.push(resolved);
      }
    }
  }
  return [...seen].sort();
}

function buildTypeBundle() {
  const files = [];
  for (const pkg of TYPE_PACKAGES) {
    const pkgDir = path.join(nodeModules, pkg.dir);
    const virtualDir = `file:///node_modules/${pkg.dir}`;
    // A minimal package.json lets the editor's TypeScript resolve `import … from "<pkg>"` normally.
    files.push({ path: `${virtualDir}/package.json`, content: JSON.stringify({ name: pkg.dir, types: pkg.entry }) });
    for (const file of collectDeclarations(pkgDir, pkg.entry)) {
      const rel = path.relative(pkgDir, file).split(path.sep).join("/");
      files.push({ path: `${virtualDir}/${rel}`, content: fs.readFileSync(file, "utf8") });
    }
  }
  return { packages: TYPE_PACKAGES.map((p) => p.name), files };
}

function main() {
  const stamp = currentStamp();
  const source = path.join(nodeModules, "monaco-editor", "min", "vs");
  const target = path.join(outDir, "vs");
  if (fs.existsSync(stampFile) && fs.readFileSync(stampFile, "utf8") === stamp && fs.existsSync(path.join(target, "loader.js"))) {
    return;
  }
  fs.rmSync(outDir, { recursive: true, force: true });
  fs.mkdirSync(outDir, { recursive: true });
  fs.cpSync(source, target, { recursive: true });
  const bundle = buildTypeBundle();
  fs.writeFileSync(path.join(outDir, "rule-libs.json"), JSON.stringify(bundle));
  fs.writeFileSync(stampFile, stamp);
  const kib = Math.round(fs.statSync(path.join(outDir, "rule-libs.json")).size / 1024);
  console.log(`setup-monaco: copied Monaco to public/monaco/vs; ${bundle.files.length} declaration files (${kib} KiB) in public/monaco/rule-libs.json`);
}

main();
