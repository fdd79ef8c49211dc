// Entry of the analysis worker bundle (.executor-dist/analysis-worker.cjs, scripts/build-executor.mjs):
// the server runs the policy check in a worker thread with a deadline, so a source that makes the
// parser slow (Babel's TypeScript mode backtracks exponentially on nested `<T>(`) cannot stall the
// web server. The editor runs analyzeSource directly.
import type { Language } from "../contracts/run";
import { analyzeSource } from "./analyze";

export default function analyze(task: { source: string; language: Language }) {
  return analyzeSource(task.source, task.language);
}
