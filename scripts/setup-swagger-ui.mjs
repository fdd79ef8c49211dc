// Serves Swagger UI (the API reference page, /api-docs) from our own origin, never a CDN: copies
// the two files the page loads from swagger-ui-dist to public/swagger-ui at postinstall. Idempotent;
// a no-op when the copy is of the installed version already.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const source = path.join(root, "node_modules", "swagger-ui-dist");
const outDir = path.join(root, "public", "swagger-ui");
const FILES = ["swagger-ui-bundle.js", "swagger-ui.css", "swagger-ui-bundle.js.LICENSE.txt", "LICENSE", "NOTICE"];

const version = JSON.parse(fs.readFileSync(path.join(source, "package.json"), "utf8")).version;
const stampFile = path.join(outDir, "stamp.json");
const stamp = JSON.stringify({ swaggerUi: version, files: FILES });
if (fs.existsSync(stampFile) && fs.readFileSync(stampFile, "utf8") === stamp && FILES.every((f) => fs.existsSync(path.join(outDir, f)))) process.exit(0);

fs.rmSync(outDir, { recursive: true, force: true });
fs.mkdirSync(outDir, { recursive: true });
for (const file of FILES) fs.copyFileSync(path.join(source, file), path.join(outDir, file));
fs.writeFileSync(stampFile, stamp);
console.log(`setup-swagger-ui: copied Swagger UI ${version} to public/swagger-ui`);
