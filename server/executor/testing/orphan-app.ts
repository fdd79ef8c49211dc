// Fixture for supervisor.test.ts: a stand-in "app" that starts an executor, prints the child's pid,
// then waits to be killed. The test kills it with SIGKILL and checks the child does not outlive it.
import { ExecutorSupervisor } from "../supervisor";

const supervisor = new ExecutorSupervisor({ distDir: process.argv[2], executors: 1, log: () => {} });
void supervisor.ready(30_000).then(async () => {
  const stats = await supervisor.stats();
  process.stdout.write(`${stats.executors[0]!.pid}\n`);
  setInterval(() => {}, 60_000);
});
