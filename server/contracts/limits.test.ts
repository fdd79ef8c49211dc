import { describe, expect, it } from "vitest";
import { LimitsError, readLimitCaps, resolveLimits } from "./limits";

const config = readLimitCaps({});

describe("readLimitCaps", () => {
  it("uses the documented defaults and caps when the environment is empty", () => {
    expect(config).toEqual({
      defaults: { timeoutMs: 1000, memoryMb: 64, maxOutputBytes: 65_536, maxLogBytes: 16_384 },
      caps: { timeoutMs: 10_000, memoryMb: 256, maxOutputBytes: 1_048_576, maxLogBytes: 262_144 },
    });
  });

  it("reads overrides from the environment", () => {
    const custom = readLimitCaps({ RULEBOX_DEFAULT_TIMEOUT_MS: "250", RULEBOX_MAX_TIMEOUT_MS: "500", RULEBOX_MAX_MEMORY_MB: "128" });
    expect(custom.defaults.timeoutMs).toBe(250);
    expect(custom.caps.timeoutMs).toBe(500);
    expect(custom.caps.memoryMb).toBe(128);
  });

  it.each([
    [{ RULEBOX_DEFAULT_TIMEOUT_MS: "20000" }, /timeoutMs.*exceeds its cap/],
    [{ RULEBOX_MAX_MEMORY_MB: "abc" }, /RULEBOX_MAX_MEMORY_MB/],
    [{ RULEBOX_DEFAULT_MEMORY_MB: "8" }, /below the floor/],
    [{ RULEBOX_MAX_LOG_BYTES: "-1" }, /RULEBOX_MAX_LOG_BYTES/],
  ])("rejects an inconsistent environment %j", (env, message) => {
    expect(() => readLimitCaps(env)).toThrow(message);
  });
});

describe("resolveLimits", () => {
  it("fills every absent field from the defaults", () => {
    expect(resolveLimits(undefined, config)).toEqual(config.defaults);
    expect(resolveLimits({ timeoutMs: 200 }, config)).toEqual({ ...config.defaults, timeoutMs: 200 });
  });

  it("accepts values exactly at the cap", () => {
    expect(resolveLimits({ ...config.caps }, config)).toEqual(config.caps);
  });

  it.each([
    [{ timeoutMs: 10_001 }, "timeoutMs", { cap: 10_000 }],
    [{ memoryMb: 257 }, "memoryMb", { cap: 256 }],
    [{ maxOutputBytes: 2_000_000 }, "maxOutputBytes", { cap: 1_048_576 }],
    [{ maxLogBytes: 262_145 }, "maxLogBytes", { cap: 262_144 }],
    [{ memoryMb: 4 }, "memoryMb", { floor: 16 }],
  ])("rejects %j with a LimitsError naming the field and its bound", (input, field, bound) => {
    let caught: unknown;
    try {
      resolveLimits(input, config);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(LimitsError);
    const error = caught as LimitsError;
    expect(error.details).toEqual([expect.objectContaining({ field, ...bound })]);
    expect(error.message).toContain(String(Object.values(bound)[0]));
  });

  it.each([[{ timeoutMs: 1.5 }], [{ timeoutMs: -1 }], [{ timeoutMs: "100" }], [{ unknownLimit: 1 }]])("rejects malformed input %j", (input) => {
    expect(() => resolveLimits(input as never, config)).toThrow(LimitsError);
  });

  it("reports every offending field at once", () => {
    expect(() => resolveLimits({ timeoutMs: 99_999, memoryMb: 9_999 }, config)).toThrow(/timeoutMs.*memoryMb/);
  });
});
