import "server-only";
import { disconnectDb } from "@/server/db/client";
import { flushApiRuns } from "@/server/db/runs";
import { seedExampleRules } from "@/server/db/seed";
import { bootstrapFirstAdmin } from "@/server/auth/bootstrap";
import { preparePython, shutdownExecutor, warmUpExecutor } from "@/server/executor";
import { pythonRulesEnabled } from "@/server/contracts/languages";
import { installExecuteListener } from "@/server/http/execute-listener";
import { drainRequests } from "@/server/http/lifecycle";
import { peekProcessGlobal, setProcessGlobal } from "@/server/process-global";

const SHUTDOWN_GRACE_MS = Number(process.env.RULEBOX_SHUTDOWN_GRACE_MS) || 10_000;

let originalExit: (code?: number | string | null) => never = (code) => process.exit(code);

/**
 * Start-up work of a Rulebox server (called by instrumentation.ts before requests are served):
 * install the graceful shutdown, seed the example rules into an empty database, create the first
 * admin from the environment when asked to (server/auth/bootstrap.ts), start the executor.
 * Migrations are applied earlier, by scripts/start.mjs.
 */
export async function startRulebox(): Promise<void> {
  installGracefulShutdown();
  installExecuteListener();
  try {
    console.log(`rulebox: Python rules ${pythonRulesEnabled() ? "on (RULEBOX_PYTHON_RULES=on)" : "off (RULEBOX_PYTHON_RULES=on turns them on)"}`);
  } catch (err) {
    console.error(`rulebox: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
  // First, before any executor process exists: a bad bootstrap setting stops the start here, and
  // an app nobody can sign in to is never left running.
  await bootstrapFirstAdmin().then(
    (line) => console.log(`rulebox: ${line}`),
    (err: unknown) => {
      console.error(`rulebox: ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    },
  );
  await Promise.all([
    seedExampleRules().then(
      (created) => {
        if (created.length > 0) console.log(`rulebox: seeded example rules: ${created.join(", ")}`);
      },
      // A missing schema means migrations did not run (e.g. plain `next dev`): say how to fix it.
      (err: unknown) => console.error("rulebox: could not seed the example rules (did `node scripts/migrate.mjs` run?)", err),
    ),
    warmUpExecutor(),
  ]);
  // Python interpreters load only where an operator turned Python rules on, and then at once, in
  // the background: a first Python run waiting seconds for one was the outside-in review's first
  // finding (server/executor/index.ts preparePython).
  if (pythonRulesEnabled()) preparePython();
}

/**
 * On SIGTERM/SIGINT Next.js itself stops accepting connections, waits for the responses in flight
 * and then calls process.exit(). Our part runs alongside: refuse new API work (503), wait for the
 * handlers in flight, stop the executor, write buffered run records, close the database. The exit
 * Next requests is held until that is done (bounded), so no promised record is lost.
 */
function installGracefulShutdown(): void {
  if (peekProcessGlobal("shutdownInstalled")) return;
  setProcessGlobal("shutdownInstalled", true);
  let cleanup: Promise<void> | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    cleanup ??= shutDown(signal);
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
  const exit = (originalExit = process.exit.bind(process));
  process.exit = ((code?: number | string | null) => {
    if (!cleanup) return exit(code);
    void cleanup.finally(() => exit(code));
    return undefined as never;
  }) as typeof process.exit;
}

async function shutDown(signal: string): Promise<void> {
  console.log(`rulebox: ${signal} received; draining`);
  // Last resort if a step below hangs despite its own bound.
  setTimeout(() => {
    console.error("rulebox: shutdown took too long; exiting");
    originalExit(1);
  }, 3 * SHUTDOWN_GRACE_MS).unref();
  // Keeps the event loop alive until the last step: some steps wait on unref'd handles (worker
  // threads), and with nothing else pending Node would end the process mid-shutdown.
  const keepAlive = setInterval(() => undefined, 1_000);
  try {
    const drained = await drainRequests(SHUTDOWN_GRACE_MS);
    await shutdownExecutor(drained ? 1_000 : SHUTDOWN_GRACE_MS).catch((err: unknown) => console.error("rulebox: executor shutdown failed", err));
    const flushed = await flushApiRuns(SHUTDOWN_GRACE_MS);
    await disconnectDb().catch(() => undefined);
    console.log(`rulebox: stopped (${drained ? "all requests answered" : "grace period over"}, ${flushed ? "run records written" : "some run records unwritten"})`);
  } finally {
    clearInterval(keepAlive);
  }
}
