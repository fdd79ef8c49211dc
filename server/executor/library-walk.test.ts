// The calling walk finds shared state that only a call leads to, and tells it from what each call
// makes afresh (library-walk.ts). Plain Node, no lockdown: nothing here is hardened, so every
// shared object is a finding.
import dayjs from "dayjs";
import { describe, expect, it } from "vitest";
import { walkLibraries } from "./library-walk";

function freezeDeep<T extends object>(value: T): T {
  Object.freeze(value);
  for (const key of Reflect.ownKeys(value)) {
    const child = Object.getOwnPropertyDescriptor(value, key)?.value as unknown;
    if ((typeof child === "object" || typeof child === "function") && child !== null && !Object.isFrozen(child)) freezeDeep(child);
  }
  return value;
}

/** A library whose every exported object is frozen, with one kind of hidden state chosen by `hole`. */
function makeLibrary(hole: "none" | "method-result" | "counter" | "collection" | "instance-prototype") {
  const moduleState = { helper: (n: number) => String(n) };
  let counter = 0;
  const cache = new Map<string, unknown>();
  class Thing {
    value = 1;
    utils(): unknown {
      return hole === "method-result" ? moduleState : { fresh: true };
    }
    echo<T>(x: T): T {
      return x;
    }
  }
  if (hole !== "instance-prototype") freezeDeep(Thing.prototype);
  const lib = {
    make: () => new Thing(),
    next: () => (hole === "counter" ? ++counter : 0),
    registry: () => (hole === "collection" ? cache : { entries: [] }),
    identity: <T>(x: T) => x,
  };
  if (hole !== "instance-prototype") Object.freeze(Thing);
  return freezeDeep(lib);
}

describe("walkLibraries", () => {
  it("finds nothing in a library that keeps no shared state, though it echoes its arguments", () => {
    const report = walkLibraries([{ path: "lib", value: makeLibrary("none") }], {});
    expect(report).toMatchObject({ mutable: [], stateful: [], divergent: [], exhausted: false });
    expect(report.calls).toBeGreaterThan(20);
  });

  it("finds a module object that only a method's result leads to", () => {
    const report = walkLibraries([{ path: "lib", value: makeLibrary("method-result") }], {});
    expect(report.mutable).toContain("lib.make(0).utils(0)");
  });

  it("finds a prototype that only instances lead to", () => {
    const report = walkLibraries([{ path: "lib", value: makeLibrary("instance-prototype") }], {});
    expect(report.mutable).toContain("lib.make(0).__proto__");
  });

  it("finds a counter kept in a closure, and a shared collection", () => {
    expect(walkLibraries([{ path: "lib", value: makeLibrary("counter") }], {}).divergent).toContain("lib.next(0)");
    expect(walkLibraries([{ path: "lib", value: makeLibrary("collection") }], {}).stateful).toContain("lib.registry(0) is a Map");
  });

  it("does not count a counter that the run boundary resets", () => {
    let counter = 0;
    const lib = Object.freeze({ next: () => ++counter });
    const report = walkLibraries([{ path: "lib", value: lib }], { beginRun: () => (counter = 0) });
    expect(report.divergent).toEqual([]);
  });

  it("stops at maxCalls and says so", () => {
    expect(walkLibraries([{ path: "lib", value: makeLibrary("none") }], { maxCalls: 10 }).exhausted).toBe(true);
  });

  it("finds dayjs's module-level Utils behind dayjs().$utils() (the adversarial review's finding)", () => {
    const report = walkLibraries([{ path: "dayjs", value: dayjs }], { maxCalls: 20_000 });
    expect(report.mutable.some((p) => /\$utils\(\d+\)$/.test(p))).toBe(true);
  });
});
