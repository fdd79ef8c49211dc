// runner.py is bundled into the Python worker as text (esbuild's "text" loader, build-options.mjs).
declare module "*.py" {
  const source: string;
  export default source;
}
