// kill -9 of an executor process while runs are in flight, through the app: the runs it held are
// answered and recorded `crashed`, the app keeps serving (the next run succeeds within 1 s, on the
// other executor while the supervisor restarts the dead one), and the dead one comes back.
// (SIGTERM: shutdown.itest.ts; a database error during a save: db-faults.itest.ts.)
import { describe, expect, it } from "vitest";
import { createRule, get, post } from "../harness/api";

interface ExecutorInfo {
  index: number;
  pid: number | null;
  state: string;
  inFlight: number;
  restarts: number;
}
interface RunAnswer {
  outcome: string;
  runId?: string;
  error?: { name: string; message: string };
}

const LOOP = "export default function rule() {\n  for (;;) {}\n}\n";
const BENIGN = "export default function rule(input) {\n  return { doubled: input.n * 2 };\n}\n";
const LOOP_TIMEOUT_MS = 4_000;
const POLL_DEADLINE_MS = 15_000;

async function executors(): Promise<ExecutorInfo[]> {
  const res = await get<{ executor: { executors: ExecutorInfo[] } }>("/api/health");
  expect(res.status).toBe(200);
  return res.body.executor.executors;
}

/** Polls /api/health until `check` holds (the health route is the app's own view of its executors). */
async function waitForExecutors(what: string, check: (list: ExecutorInfo[]) => boolean): Promise<ExecutorInfo[]> {
  const deadline = Date.now() + POLL_DEADLINE_MS;
  for (;;) {
    const list = await executors();
    if (check(list)) return list;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(list)}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe("executor killed with SIGKILL while runs are in flight", () => {
  it("answers and records its runs as crashed, keeps serving within 1 s, and restarts it", async () => {
    const before = await waitForExecutors("two ready executors", (list) => list.length >= 2 && list.every((e) => e.state === "ready" && e.inFlight === 0));
    const ruleId = await createRule({ source: LOOP, language: "javascript" });
    const benign = () => post<RunAnswer>("/api/run", { source: BENIGN, input: { n: 21 } });
    expect((await benign()).body.outcome).toBe("ok");

    // An endless loop in flight on one executor (the supervisor sends a run to the executor with the
    // fewest in flight): that is the process we kill.
    const loop = post<RunAnswer>("/api/run", { source: LOOP, input: null, ruleId, limits: { timeoutMs: LOOP_TIMEOUT_MS } });
    const busy = await waitForExecutors("the loop in flight", (list) => list.some((e) => e.inFlight === 1));
    const victim = busy.find((e) => e.inFlight === 1)!;
    expect(victim.pid).toEqual(expect.any(Number));

    process.kill(victim.pid!, "SIGKILL");
    const killedAt = performance.now();
    let recoveredMs: number | undefined;
    for (;;) {
      const res = await benign();
      expect(res.status).toBe(200);
      if (res.body.outcome === "ok") {
        recoveredMs = performance.now() - killedAt;
        break;
      }
      expect(res.body.outcome).toBe("crashed");
      if (performance.now() - killedAt > POLL_DEADLINE_MS) throw new Error("no successful run after the kill");
    }
    expect(recoveredMs).toBeLessThan(1_000);

    const crashed = await loop;
    expect(crashed.status).toBe(200);
    expect(crashed.body.outcome).toBe("crashed");
    expect(crashed.body.error?.message).toMatch(/executor/i);

    // The run is in the rule's history with the outcome its caller saw.
    expect(crashed.body.runId).toEqual(expect.any(String));
    const stored = await get<{ run: { outcome: string; ruleId: string } }>(`/api/runs/${crashed.body.runId}`);
    expect(stored.status).toBe(200);
    expect(stored.body.run).toMatchObject({ outcome: "crashed", ruleId });
    const history = await get<{ runs: { id: string }[] }>(`/api/rules/${ruleId}/runs?outcome=crashed`);
    expect(history.body.runs.map((r) => r.id)).toEqual([crashed.body.runId]);

    // The supervisor restarted the killed process: a new pid, one more restart, serving again.
    const after = await waitForExecutors("the killed executor to be back", (list) => {
      const e = list.find((x) => x.index === victim.index);
      return !!e && e.state === "ready" && e.pid !== victim.pid;
    });
    const restarted = after.find((e) => e.index === victim.index)!;
    expect(restarted.restarts).toBe(before.find((e) => e.index === victim.index)!.restarts + 1);
    const results = await Promise.all(Array.from({ length: 8 }, benign));
    expect(results.map((r) => r.body.outcome)).toEqual(Array(8).fill("ok"));
  });
});
