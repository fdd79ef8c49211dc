import { describe, expect, it } from "vitest";
import type { RunTaskMessage } from "./ipc";
import { NoisyLane, type NoisyLaneRun } from "./noisy-lane";

interface Executor {
  noisyInFlight: number;
}
type Run = NoisyLaneRun<Executor>;

const TASK: RunTaskMessage = { source: "export default () => { for (;;) {} }", language: "javascript", input: null, limits: { timeoutMs: 100, memoryMb: 64, maxOutputBytes: 1024, maxLogBytes: 1024 }, clock: 0 };

function makeLane(options: { concurrency?: number; maxWaiting?: number; share?: number; executors?: Executor[] } = {}) {
  const executors = options.executors ?? [{ noisyInFlight: 0 }];
  const dispatched: Run[] = [];
  const lane = new NoisyLane<Executor, Run>({
    concurrency: options.concurrency ?? 1,
    maxWaiting: options.maxWaiting ?? 8,
    share: options.share ?? 1,
    pickExecutor: () => executors[0],
    dispatch: (_executor, run) => dispatched.push(run),
  });
  const run = (deadline = Infinity): Run => ({ task: TASK, deadline });
  return { lane, executors, dispatched, run };
}

describe("NoisyLane", () => {
  it("runs at most `concurrency` at once, marks them noisy, and queues the rest up to maxWaiting", () => {
    const { lane, executors, dispatched, run } = makeLane({ concurrency: 1, maxWaiting: 1 });
    const [a, b, c] = [run(), run(), run()];
    expect(lane.submit(a)).toBe(true);
    expect(dispatched).toEqual([a]);
    expect(a.task.noisy).toBe(true);
    expect(TASK.noisy).toBeUndefined();
    expect(a.noisyOn).toBe(executors[0]);
    expect(executors[0]!.noisyInFlight).toBe(1);
    expect(lane.submit(b)).toBe(true);
    expect(lane.submit(c)).toBe(false);
    expect([lane.inFlight, lane.waiting]).toEqual([1, 1]);
    lane.release(a);
    expect(a.noisyOn).toBeUndefined();
    expect(executors[0]!.noisyInFlight).toBe(0);
    lane.drain();
    expect(dispatched).toEqual([a, b]);
    expect([lane.inFlight, lane.waiting]).toEqual([1, 0]);
  });

  it("waits while no executor can take a run", () => {
    const { lane, dispatched, run } = makeLane({ executors: [] });
    expect(lane.submit(run())).toBe(true);
    expect(dispatched).toEqual([]);
    expect(lane.waiting).toBe(1);
  });

  it("rests after a run in proportion to how long it held the lane (share)", async () => {
    const { lane, dispatched, run } = makeLane({ share: 0.5 });
    const [a, b] = [run(), run()];
    lane.submit(a);
    await new Promise((resolve) => setTimeout(resolve, 30));
    lane.release(a);
    // Held ~30 ms at share 0.5: the lane rests ~30 ms before the next noisy run starts.
    lane.submit(b);
    expect(dispatched).toEqual([a]);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(dispatched).toEqual([a, b]);
    lane.stop();
  });

  it("answers waiting runs past their deadline, and hands back the rest on stop", () => {
    const { lane, run } = makeLane({ concurrency: 1 });
    const [a, late, onTime] = [run(), run(10), run(1_000)];
    lane.submit(a);
    lane.submit(late);
    lane.submit(onTime);
    const expired: Run[] = [];
    lane.expire(500, (r) => expired.push(r));
    expect(expired).toEqual([late]);
    expect(lane.stop()).toEqual([onTime]);
    expect(lane.waiting).toBe(0);
  });
});
