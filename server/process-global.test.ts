import { afterEach, expect, it } from "vitest";
import { peekProcessGlobal, processGlobal, setProcessGlobal } from "./process-global";

afterEach(() => setProcessGlobal("test.value", undefined));

it("creates a value once per process, under Symbol.for('rulebox.<name>')", () => {
  let created = 0;
  const first = processGlobal("test.value", () => ({ n: ++created }));
  expect(processGlobal("test.value", () => ({ n: ++created }))).toBe(first);
  expect(created).toBe(1);
  expect((globalThis as unknown as Record<symbol, unknown>)[Symbol.for("rulebox.test.value")]).toBe(first);
});

it("stores nothing when creating throws, so the next use tries again", () => {
  expect(() => processGlobal("test.value", () => { throw new Error("bad setting"); })).toThrow("bad setting");
  expect(peekProcessGlobal("test.value")).toBeUndefined();
  expect(processGlobal("test.value", () => 7)).toBe(7);
});
