// The noisy lane: how runs of rules that recently hit their limits (noisy-rules.ts) take turns.
// At most `concurrency` of them run at once over all executor processes, at most `maxWaiting` wait
// for their turn (beyond that the supervisor refuses with RuleThrottledError, HTTP 429), and after a
// noisy run held the lane for t ms the lane rests t × (1 − share) / share ms: an endless loop burns
// a whole core for its time limit, and on a small machine that core is what everyone else's runs
// are waiting for. Which executor a run goes to stays the supervisor's choice (supervisor.ts).
// No "server-only": imported by supervisor.ts, which the executor host bundles, and by tests.
import type { RunTaskMessage } from "./ipc";

/** An executor as the lane sees it: how many noisy runs it holds (the supervisor steers ordinary runs elsewhere). */
export interface NoisyLaneExecutor {
  noisyInFlight: number;
}

/** A run as the lane sees it; the lane sets `noisyOn`, `noisySince` and `task.noisy` when it starts it. */
export interface NoisyLaneRun<E extends NoisyLaneExecutor> {
  task: RunTaskMessage;
  /** performance.now() after which the app stops waiting. */
  deadline: number;
  /** Set while the run holds a noisy-lane slot on this executor. */
  noisyOn?: E;
  /** performance.now() when it took the slot. */
  noisySince?: number;
}

export interface NoisyLaneOptions<E extends NoisyLaneExecutor, R extends NoisyLaneRun<E>> {
  /** Noisy runs in flight at once (RULEBOX_NOISY_CONCURRENCY). */
  concurrency: number;
  /** Noisy runs that may wait for their turn (RULEBOX_NOISY_QUEUE). */
  maxWaiting: number;
  /** The share of time the lane may be busy (RULEBOX_NOISY_SHARE), in (0, 1]. */
  share: number;
  /** The executor to send the next run to, or undefined when none can take one now. */
  pickExecutor: () => E | undefined;
  dispatch: (executor: E, run: R) => void;
}

/** Schedules noisy runs (see file header). */
export class NoisyLane<E extends NoisyLaneExecutor, R extends NoisyLaneRun<E>> {
  private readonly queue: R[] = [];
  private running = 0;
  /** The lane rests until then. */
  private restUntil = 0;
  private restTimer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(private readonly opts: NoisyLaneOptions<E, R>) {}

  /** Noisy runs in flight. */
  get inFlight(): number {
    return this.running;
  }

  /** Noisy runs waiting for their turn. */
  get waiting(): number {
    return this.queue.length;
  }

  /** Starts the run now or queues it for its turn; false when the queue is full (the caller refuses the run). */
  submit(run: R): boolean {
    if (this.start(run)) return true;
    if (this.queue.length >= this.opts.maxWaiting) return false;
    this.queue.push(run);
    return true;
  }

  /** Frees the run's slot once it is answered; the lane rests in proportion to how long it held it. */
  release(run: R): void {
    if (!run.noisyOn) return;
    this.running -= 1;
    run.noisyOn.noisyInFlight -= 1;
    run.noisyOn = undefined;
    const share = this.opts.share;
    const now = performance.now();
    const restMs = ((now - run.noisySince!) * (1 - share)) / share;
    this.restUntil = Math.max(this.restUntil, now + restMs);
    // After the caller's answer (and the rest): the next noisy run starts on a later turn.
    this.scheduleDrain(this.restUntil - now);
  }

  /** Starts waiting runs while the lane has a free slot, is not resting, and an executor can take them. */
  drain(): void {
    if (this.queue.length === 0) return;
    const restMs = this.restUntil - performance.now();
    if (restMs > 0) {
      this.scheduleDrain(restMs);
      return;
    }
    while (this.queue.length > 0 && this.start(this.queue[0]!)) this.queue.shift();
  }

  /** Removes the waiting runs whose deadline passed and hands each to `answer`. */
  expire(now: number, answer: (run: R) => void): void {
    for (let i = this.queue.length - 1; i >= 0; i--) {
      const run = this.queue[i]!;
      if (run.deadline > now) continue;
      this.queue.splice(i, 1);
      answer(run);
    }
  }

  /** Stops scheduling; returns the runs still waiting (the caller answers them). */
  stop(): R[] {
    this.stopped = true;
    if (this.restTimer) clearTimeout(this.restTimer);
    return this.queue.splice(0);
  }

  /** Dispatches a run if a slot and an executor are free; false when it must wait. */
  private start(run: R): boolean {
    if (this.running >= this.opts.concurrency || performance.now() < this.restUntil) return false;
    const executor = this.opts.pickExecutor();
    if (!executor) return false;
    this.running += 1;
    executor.noisyInFlight += 1;
    run.noisyOn = executor;
    run.noisySince = performance.now();
    run.task = { ...run.task, noisy: true };
    this.opts.dispatch(executor, run);
    return true;
  }

  private scheduleDrain(ms: number): void {
    if (this.restTimer || this.stopped) return;
    this.restTimer = setTimeout(() => {
      this.restTimer = undefined;
      this.drain();
    }, Math.max(0, Math.ceil(ms)));
    this.restTimer.unref();
  }
}
