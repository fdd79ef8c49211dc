// Keeps a rule that keeps killing executor processes away from them. Some rules abort the whole
// process from inside a worker (V8 "Reached heap limit", SIGABRT; nodejs/node#47224): the
// supervisor restarts it, but resubmitting such a rule would take every run in flight down with it
// each time. The culprit cannot be named (the process is gone), so every run in flight during an
// abort is a suspect; a suspect that then finishes without aborting is acquitted. A culprit
// implicated in `threshold` aborts with no acquittal in between is refused for `quarantineMs`.
// Suspects are culprit keys (culprit.ts): a saved rule by its id, unsaved source by its tokens, so
// reformatting a source does not walk around the quarantine.
import { culpritOf } from "./culprit";

export interface QuarantineOptions {
  threshold?: number;
  quarantineMs?: number;
  /** Suspicion fades after this long without another abort. */
  suspicionMs?: number;
  /** Bound on remembered sources (oldest dropped first). */
  maxEntries?: number;
  now?: () => number;
}

/** A run as the quarantine knows it: its culprit key, or what culpritOf() derives one from. */
type RuleKey = { source: string; language: string; culprit?: string };

/** Exits that a rule can cause from inside a worker (V8 fatal errors), as opposed to kill -9 or a clean exit. */
export function isProcessAbort(code: number | null, signal: NodeJS.Signals | null): boolean {
  if (signal) return ["SIGABRT", "SIGSEGV", "SIGBUS", "SIGILL", "SIGTRAP", "SIGFPE"].includes(signal);
  return code === 134;
}

/** Tracks suspects of executor aborts and quarantines repeat offenders (see file header). */
export class CrashQuarantine {
  private readonly threshold: number;
  private readonly quarantineMs: number;
  private readonly suspicionMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;
  private readonly suspects = new Map<string, { aborts: number; lastAt: number }>();
  private readonly quarantined = new Map<string, { aborts: number; until: number }>();

  constructor(options: QuarantineOptions = {}) {
    this.threshold = options.threshold ?? 2;
    this.quarantineMs = options.quarantineMs ?? 10 * 60_000;
    this.suspicionMs = options.suspicionMs ?? 10 * 60_000;
    this.maxEntries = options.maxEntries ?? 256;
    this.now = options.now ?? Date.now;
  }

  private static key(rule: RuleKey): string {
    return culpritOf(rule);
  }

  /** Records the runs that were in flight when a process aborted; returns how many sources this quarantined. */
  implicate(rules: RuleKey[]): number {
    const now = this.now();
    let added = 0;
    for (const key of new Set(rules.map(CrashQuarantine.key))) {
      const previous = this.suspects.get(key);
      const aborts = previous && now - previous.lastAt < this.suspicionMs ? previous.aborts + 1 : 1;
      this.suspects.delete(key);
      if (aborts >= this.threshold) {
        this.quarantined.delete(key);
        this.quarantined.set(key, { aborts, until: now + this.quarantineMs });
        added += 1;
      } else {
        this.suspects.set(key, { aborts, lastAt: now });
      }
    }
    for (const map of [this.suspects, this.quarantined]) {
      while (map.size > this.maxEntries) map.delete(map.keys().next().value!);
    }
    return added;
  }

  /** A run of this rule ended without taking its process down: it is not the culprit. */
  acquit(rule: RuleKey): void {
    if (this.suspects.size === 0) return;
    this.suspects.delete(CrashQuarantine.key(rule));
  }

  /** The quarantine this rule is under, if any. Costs nothing while nothing is quarantined. */
  check(rule: RuleKey): { aborts: number; until: number } | undefined {
    if (this.quarantined.size === 0) return undefined;
    const key = CrashQuarantine.key(rule);
    const entry = this.quarantined.get(key);
    if (!entry) return undefined;
    if (entry.until <= this.now()) {
      this.quarantined.delete(key);
      return undefined;
    }
    return entry;
  }

  /** Sources currently refused. */
  get size(): number {
    const now = this.now();
    for (const [key, entry] of this.quarantined) if (entry.until <= now) this.quarantined.delete(key);
    return this.quarantined.size;
  }
}
