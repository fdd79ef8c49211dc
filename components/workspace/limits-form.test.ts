import { describe, expect, it } from "vitest";
import { validateLimits } from "./limits-form";

const caps = { timeoutMs: 10_000, memoryMb: 256, maxOutputBytes: 1_048_576, maxLogBytes: 262_144 };
const blank = { timeoutMs: "", memoryMb: "", maxOutputBytes: "", maxLogBytes: "" };

describe("validateLimits", () => {
  it("leaves empty fields to the server default", () => {
    expect(validateLimits(blank, caps)).toEqual({ limits: {}, errors: {} });
  });

  it("accepts whole numbers up to the cap", () => {
    expect(validateLimits({ ...blank, timeoutMs: "10000", memoryMb: " 64 " }, caps).limits).toEqual({ timeoutMs: 10_000, memoryMb: 64 });
  });

  it("refuses non-numbers, zero, fractions and values above the cap with a message", () => {
    const { errors, limits } = validateLimits({ timeoutMs: "abc", memoryMb: "0", maxOutputBytes: "1.5", maxLogBytes: "262145" }, caps);
    expect(limits).toEqual({});
    expect(errors.timeoutMs).toMatch(/whole number/);
    expect(errors.memoryMb).toMatch(/whole number/);
    expect(errors.maxOutputBytes).toMatch(/whole number/);
    expect(errors.maxLogBytes).toMatch(/server cap of 256\.0 KiB/);
  });
});
