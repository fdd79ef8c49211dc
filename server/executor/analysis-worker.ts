// Entry of the analysis worker bundle (.executor-dist/analysis-worker.cjs, scripts/build-executor.mjs):
// the app runs the policy check in worker threads with a deadline (analysis-pool.ts), so a source
// that makes a parser slow cannot stall the web server or the executor. The editor runs
// analyzeSource directly.
import ts from "typescript";
import { analyzeSource } from "../analysis/analyze";
import type { Language } from "../contracts/run";

export default function analyze(task: { source: string; language: Language; started?: SharedArrayBuffer }) {
  // Tells the app when the check began: its deadline counts from here, not from the queue.
  if (task.started) new Float64Array(task.started)[0] = Date.now();
  const diagnostics = analyzeSource(task.source, task.language);
  if (task.language === "typescript") {
    // The executor strips types with TypeScript's own parser (compile.ts), whose speculative
    // parsing of `async(` and `<T>(` is exponential in their nesting: 200 bytes held an executor's
    // main thread for seconds. Parsing here first, under the same deadline, means a source that
    // reaches the executor is one TypeScript parses quickly (it is deterministic).
    ts.createSourceFile("rule.ts", task.source, ts.ScriptTarget.ESNext, false, ts.ScriptKind.TS);
  }
  return diagnostics;
}
