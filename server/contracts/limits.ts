// Per-run limits: defaults and hard caps come from the environment (validated once), requested
// values are checked against the caps. No "server-only" here: the executor child and the bench
// bundle import it too, and it holds nothing secret.
import { z } from "zod";
import { limitsInputSchema, type Limits, type LimitsInput } from "./run";

/** Below these a worker cannot even boot or a limit would be meaningless; not configurable. */
export const LIMIT_FLOORS: Limits = { timeoutMs: 1, memoryMb: 16, maxOutputBytes: 16, maxLogBytes: 16 };

const LIMIT_KEYS = ["timeoutMs", "memoryMb", "maxOutputBytes", "maxLogBytes"] as const;
type LimitKey = (typeof LIMIT_KEYS)[number];

const envInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

const limitEnvSchema = z
  .object({
    RULEBOX_DEFAULT_TIMEOUT_MS: envInt(1000),
    RULEBOX_MAX_TIMEOUT_MS: envInt(10_000),
    RULEBOX_DEFAULT_MEMORY_MB: envInt(64),
    RULEBOX_MAX_MEMORY_MB: envInt(256),
    RULEBOX_DEFAULT_MAX_OUTPUT_BYTES: envInt(65_536),
    RULEBOX_MAX_OUTPUT_BYTES: envInt(1_048_576),
    RULEBOX_DEFAULT_MAX_LOG_BYTES: envInt(16_384),
    RULEBOX_MAX_LOG_BYTES: envInt(262_144),
  })
  .transform((env) => ({
    defaults: {
      timeoutMs: env.RULEBOX_DEFAULT_TIMEOUT_MS,
      memoryMb: env.RULEBOX_DEFAULT_MEMORY_MB,
      maxOutputBytes: env.RULEBOX_DEFAULT_MAX_OUTPUT_BYTES,
      maxLogBytes: env.RULEBOX_DEFAULT_MAX_LOG_BYTES,
    },
    caps: {
      timeoutMs: env.RULEBOX_MAX_TIMEOUT_MS,
      memoryMb: env.RULEBOX_MAX_MEMORY_MB,
      maxOutputBytes: env.RULEBOX_MAX_OUTPUT_BYTES,
      maxLogBytes: env.RULEBOX_MAX_LOG_BYTES,
    },
  }))
  .superRefine((cfg, ctx) => {
    for (const key of LIMIT_KEYS) {
      if (cfg.defaults[key] > cfg.caps[key]) {
        ctx.addIssue({ code: "custom", path: [key], message: `default ${key} ${cfg.defaults[key]} exceeds its cap ${cfg.caps[key]}` });
      }
      if (cfg.defaults[key] < LIMIT_FLOORS[key]) {
        ctx.addIssue({ code: "custom", path: [key], message: `default ${key} ${cfg.defaults[key]} is below the floor ${LIMIT_FLOORS[key]}` });
      }
    }
  });

/** Defaults applied to absent fields, and the hard caps no rule may exceed. */
export interface LimitCaps {
  defaults: Limits;
  caps: Limits;
}

/** A requested limit is malformed, above its server cap or below its floor. Routes map it to HTTP 422. */
export class LimitsError extends Error {
  override readonly name = "LimitsError";
  readonly code = "LIMITS_EXCEEDED" as const;
  constructor(
    message: string,
    /** One entry per offending field, with the cap (or floor) it was checked against. */
    readonly details: { field: string; value: unknown; cap?: number; floor?: number; message: string }[],
  ) {
    super(message);
  }
}

/**
 * Reads the limit configuration from an environment (pure; exported for tests).
 * Throws a readable Error at startup when the environment is inconsistent (e.g. default > cap).
 */
export function readLimitCaps(env: Record<string, string | undefined>): LimitCaps {
  const parsed = limitEnvSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join(".") || "env"}: ${i.message}`);
    throw new Error(`Invalid RULEBOX_* limit configuration: ${lines.join("; ")}`);
  }
  return parsed.data;
}

let cached: LimitCaps | undefined;

/** Server defaults and caps, read from process.env once (the UI shows them). */
export function getLimitCaps(): LimitCaps {
  cached ??= readLimitCaps(process.env);
  return { defaults: { ...cached.defaults }, caps: { ...cached.caps } };
}

/**
 * Fills absent fields from the defaults and checks present ones against the caps.
 * Never clamps silently: a value above its cap is an error the author must see.
 * @throws LimitsError when a field is malformed, above its cap or below its floor.
 */
export function resolveLimits(input?: LimitsInput, config: LimitCaps = getLimitCaps()): Limits {
  const parsed = limitsInputSchema.safeParse(input ?? {});
  if (!parsed.success) {
    const details = parsed.error.issues.map((i) => ({
      field: i.path.join(".") || "limits",
      value: undefined as unknown,
      message: i.message,
    }));
    throw new LimitsError(`Invalid limits: ${details.map((d) => `${d.field}: ${d.message}`).join("; ")}`, details);
  }
  const requested = parsed.data;
  const limits = { ...config.defaults };
  const details: LimitsError["details"] = [];
  for (const key of LIMIT_KEYS) {
    const value = requested[key];
    if (value === undefined) continue;
    if (value > config.caps[key]) {
      details.push({ field: key, value, cap: config.caps[key], message: `${key} ${value} exceeds the server cap ${config.caps[key]}` });
    } else if (value < LIMIT_FLOORS[key]) {
      details.push({ field: key, value, floor: LIMIT_FLOORS[key], message: `${key} ${value} is below the minimum ${LIMIT_FLOORS[key]}` });
    } else {
      limits[key satisfies LimitKey] = value;
    }
  }
  if (details.length > 0) throw new LimitsError(details.map((d) => d.message).join("; "), details);
  return limits;
}
