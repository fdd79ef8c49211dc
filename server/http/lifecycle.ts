import "server-only";
import { processGlobal } from "@/server/process-global";

// Graceful shutdown bookkeeping shared by the route wrapper and instrumentation.ts: once draining,
// new API requests are refused with 503 while the ones in flight finish.

interface LifecycleState {
  draining: boolean;
  inFlight: number;
  idleWaiters: (() => void)[];
}

function state(): LifecycleState {
  return processGlobal<LifecycleState>("lifecycle", () => ({ draining: false, inFlight: 0, idleWaiters: [] }));
}

/** Whether the server is shutting down (new work is refused). */
export function isDraining(): boolean {
  return state().draining;
}

/** Marks one API request as started; call the returned function when it has answered. */
export function trackRequest(): () => void {
  const s = state();
  s.inFlight += 1;
  let done = false;
  return () => {
    if (done) return;
    done = true;
    s.inFlight -= 1;
    if (s.inFlight === 0) s.idleWaiters.splice(0).forEach((wake) => wake());
  };
}

/** Stops taking work and resolves once no request is in flight (true) or after timeoutMs (false). */
export function drainRequests(timeoutMs: number): Promise<boolean> {
  const s = state();
  s.draining = true;
  if (s.inFlight === 0) return Promise.resolve(true);
  return new Promise((resolve) => {
    const wake = () => {
      clearTimeout(timer);
      resolve(true);
    };
    const timer = setTimeout(() => {
      const i = s.idleWaiters.indexOf(wake);
      if (i >= 0) s.idleWaiters.splice(i, 1);
      resolve(false);
    }, timeoutMs);
    s.idleWaiters.push(wake);
  });
}
