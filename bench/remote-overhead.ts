// What remote executors cost: the same rule through local executor children (ExecutorSupervisor,
// IPC) and through one executor host on loopback (RemoteExecutorClient → HTTP → the host's own
// supervisor), one after the other, each for BENCH_SECONDS at concurrency 1 and 16.
// Usage: node scripts/build-executor.mjs && npx tsx bench/remote-overhead.ts [--json]
// Loopback only: a real network adds its round-trip time to every batch.
import { spawn } from "node:child_process";
import path from "node:path";
import type { RunResult } from "../server/contracts/run";
import type { RunTaskMessage } from "../server/executor/ipc";
import { RemoteExecutorClient, type RunExecutor } from "../server/executor/remote-client";
import { ExecutorSupervisor } from "../server/executor/supervisor";

const root = path.resolve(__dirname, "..");
const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const TOKEN = "bench-token-0123456789abcdef";
const TASK: RunTaskMessage = {
  source: 'import _ from "lodash";\nexport default function rule(input) { return { total: _.sumBy(input.items, (i) => i.price * i.qty) }; }\n',
  language: "javascript",
  input: { items: [{ price: 19.5, qty: 2 }, { price: 42, qty: 1 }] },
  limits: { timeoutMs: 1000, memoryMb: 64, maxOutputBytes: 65_536, maxLogBytes: 16_384 },
  clock: 0,
};

async function measure(executor: RunExecutor, concurrency: number): Promise<{ runsPerSec: number; p50Ms: number; p99Ms: number }> {
  for (let i = 0; i < 200; i++) await executor.run(TASK); // warm-up
  const latencies: number[] = [];
  const end = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        const t = performance.now();
        const result: RunResult = await executor.run(TASK);
        if (result.outcome !== "ok") throw new Error(`unexpected ${result.outcome}: ${result.error?.message}`);
        latencies.push(performance.now() - t);
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const q = (p: number) => Number(latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]!.toFixed(3));
  return { runsPerSec: Math.round(latencies.length / elapsed), p50Ms: q(0.5), p99Ms: q(0.99) };
}

async function main(): Promise<void> {
  const json = process.argv.includes("--json");
  const say = (line: string) => (json ? process.stderr : process.stdout).write(`${line}\n`);
  const local = new ExecutorSupervisor({ distDir: path.join(root, ".executor-dist"), log: () => {} });
  await local.ready(60_000, { all: true });
  const localC1 = await measure(local, 1);
  const localC16 = await measure(local, 16);
  await local.shutdown();
  say(`local  c1 ${JSON.stringify(localC1)}  c16 ${JSON.stringify(localC16)}`);

  const port = 17_000 + Math.floor(Math.random() * 20_000);
  const env: NodeJS.ProcessEnv = { ...process.env, RULEBOX_EXECUTOR_LISTEN: `127.0.0.1:${port}`, RULEBOX_EXECUTOR_TOKEN: TOKEN };
  delete env.DATABASE_URL;
  const host = spawn(process.execPath, [path.join(root, ".executor-dist", "executor-host.mjs")], { cwd: root, env, stdio: ["ignore", "pipe", "inherit"] });
  await new Promise<void>((resolve, reject) => {
    host.stdout!.on("data", (chunk: Buffer) => chunk.toString().includes("listening on") && resolve());
    host.once("exit", (code) => reject(new Error(`executor host exited (${code})`)));
  });
  const remote = new RemoteExecutorClient({ urls: [`http://127.0.0.1:${port}`], token: TOKEN, log: () => {} });
  await remote.ready(30_000);
  const remoteC1 = await measure(remote, 1);
  const remoteC16 = await measure(remote, 16);
  await remote.shutdown();
  host.kill("SIGTERM");
  say(`remote c1 ${JSON.stringify(remoteC1)}  c16 ${JSON.stringify(remoteC16)}`);
  const summary = {
    seconds,
    local: { c1: localC1, c16: localC16 },
    remoteLoopback: { c1: remoteC1, c16: remoteC16 },
    throughputRatioC16: Number((remoteC16.runsPerSec / localC16.runsPerSec).toFixed(2)),
    addedP50MsC1: Number((remoteC1.p50Ms - localC1.p50Ms).toFixed(3)),
  };
  console.log(JSON.stringify(summary));
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
