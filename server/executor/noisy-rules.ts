// Remembers rule sources whose recent runs ran into a resource limit (timeout, memory) or took an
// executor down, so the supervisor can keep them from crowding out everyone else: their runs are
// limited to a few at a time across all executor processes (noisy-lane.ts), and ordinary runs are
// steered to processes that are not busy with one (supervisor.ts). A run that ends within its limits acquits
// the source; suspicion also fades after `forgetMs`. This is scheduling, not a sandbox layer:
// a noisy rule still gets exactly its own limits, it only waits its turn. Rules are remembered by
// culprit key (culprit.ts): a saved rule by its id, unsaved source by its tokens, so a whitespace
// change does not make a noisy source new.
import type { Outcome } from "../contracts/run";
import { culpritOf } from "./culprit";

type RuleKey = { source: string; language: string; culprit?: string };

/** Outcomes that mean the run held a worker for its whole limit, or cost a worker or a process. */
const NOISY_OUTCOMES: ReadonlySet<Outcome> = new Set(["timeout", "memory", "crashed"]);

export interface NoisyRulesOptions {
  maxEntries?: number;
  forgetMs?: number;
  now?: () => number;
}

export class NoisyRules {
  private readonly entries = new Map<string, number>();
  private readonly maxEntries: number;
  private readonly forgetMs: number;
  private readonly now: () => number;

  constructor(options: NoisyRulesOptions = {}) {
    this.maxEntries = options.maxEntries ?? 1_000;
    this.forgetMs = options.forgetMs ?? 10 * 60_000;
    this.now = options.now ?? Date.now;
  }

  private static key(rule: RuleKey): string {
    return culpritOf(rule);
  }

  /** Whether runs of this rule should take the noisy lane. Costs nothing while no rule is noisy. */
  has(rule: RuleKey): boolean {
    if (this.entries.size === 0) return false;
    const key = NoisyRules.key(rule);
    const at = this.entries.get(key);
    if (at === undefined) return false;
    if (this.now() - at > this.forgetMs) {
      this.entries.delete(key);
      return false;
    }
    return true;
  }

  /** Learns from a finished run. */
  observe(rule: RuleKey, outcome: Outcome): void {
    if (NOISY_OUTCOMES.has(outcome)) {
      const key = NoisyRules.key(rule);
      this.entries.delete(key);
      this.entries.set(key, this.now());
      if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    } else if (outcome !== "blocked" && this.entries.size > 0) {
      this.entries.delete(NoisyRules.key(rule));
    }
  }

  /** Sources currently considered noisy. */
  get size(): number {
    return this.entries.size;
  }
}
