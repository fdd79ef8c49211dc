import { describe, expect, it } from "vitest";
import { BatchRecorder, newRunId, readRecorderConfig } from "./run-recorder";

function deferred() {
  let resolve!: () => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const quiet = () => undefined;

describe("BatchRecorder", () => {
  it("writes rows in order, in batches of at most batchSize", async () => {
    const batches: number[][] = [];
    const recorder = new BatchRecorder<number>(async (rows) => void batches.push([...rows]), { bufferSize: 100, batchSize: 2, flushIntervalMs: 1, bufferWaitMs: 0 }, quiet);
    for (const n of [1, 2, 3, 4, 5]) expect(await recorder.add(n)).toBe(true);
    expect(await recorder.flush()).toBe(true);
    expect(batches.flat()).toEqual([1, 2, 3, 4, 5]);
    expect(batches.every((b) => b.length <= 2)).toBe(true);
    expect(recorder.stats()).toEqual({ buffered: 0, written: 5, sampledOut: 0, dropped: 0, failedWrites: 0, poisoned: 0 });
  });

  it("applies backpressure when full instead of dropping", async () => {
    const gate = deferred();
    const written: number[] = [];
    const recorder = new BatchRecorder<number>(
      async (rows) => {
        await gate.promise;
        written.push(...rows);
      },
      { bufferSize: 2, batchSize: 2, flushIntervalMs: 1, bufferWaitMs: 60_000 },
      quiet,
    );
    await recorder.add(1);
    await recorder.add(2);
    let thirdSettled = false;
    const third = recorder.add(3).then((ok) => {
      thirdSettled = true;
      return ok;
    });
    await Promise.resolve();
    expect(thirdSettled).toBe(false);
    gate.resolve();
    expect(await third).toBe(true);
    expect(await recorder.flush()).toBe(true);
    expect(written).toEqual([1, 2, 3]);
  });

  it("gives a row up (counted) when no room appears within bufferWaitMs", async () => {
    const never = deferred();
    const recorder = new BatchRecorder<number>(() => never.promise, { bufferSize: 1, batchSize: 1, flushIntervalMs: 1, bufferWaitMs: 10 }, quiet);
    expect(await recorder.add(1)).toBe(true);
    expect(await recorder.add(2)).toBe(false);
    expect(recorder.stats()).toMatchObject({ buffered: 1, dropped: 1, written: 0 });
  });

  it("keeps a failed batch and writes it on retry", async () => {
    let calls = 0;
    const written: string[] = [];
    const recorder = new BatchRecorder<string>(
      async (rows) => {
        calls += 1;
        if (calls === 1) throw new Error("database is locked");
        written.push(...rows);
      },
      { bufferSize: 10, batchSize: 10, flushIntervalMs: 1, bufferWaitMs: 0 },
      quiet,
    );
    await recorder.add("a");
    await recorder.add("b");
    expect(await recorder.flush(10_000)).toBe(true);
    expect(written).toEqual(["a", "b"]);
    expect(recorder.stats()).toMatchObject({ written: 2, failedWrites: 1, buffered: 0 });
  });

  it("gives up a row that fails alone while the database answers, and writes the rows behind it", async () => {
    const written: string[] = [];
    const recorder = new BatchRecorder<string>(
      async (rows) => {
        if (rows.includes("poison")) throw new RangeError("Invalid string length");
        written.push(...rows);
      },
      { bufferSize: 10, batchSize: 10, flushIntervalMs: 1, bufferWaitMs: 0 },
      quiet,
      async () => {}, // the database answers
    );
    for (const row of ["a", "poison", "b", "c"]) await recorder.add(row);
    expect(await recorder.flush(10_000)).toBe(true);
    expect(written).toEqual(["a", "b", "c"]);
    expect(recorder.stats()).toMatchObject({ written: 3, poisoned: 1, buffered: 0 });
    // Later rows go in whole batches again.
    await recorder.add("d");
    expect(await recorder.flush(10_000)).toBe(true);
    expect(written).toEqual(["a", "b", "c", "d"]);
  });

  it("keeps a row that fails while the database does not answer (an outage, not a bad row)", async () => {
    let down = true;
    const written: string[] = [];
    const recorder = new BatchRecorder<string>(
      async (rows) => {
        if (down) throw new Error("connection refused");
        written.push(...rows);
      },
      { bufferSize: 10, batchSize: 10, flushIntervalMs: 1, bufferWaitMs: 0 },
      quiet,
      async () => {
        if (down) throw new Error("connection refused");
      },
    );
    await recorder.add("a");
    await recorder.add("b");
    expect(await recorder.flush(300)).toBe(false);
    expect(recorder.stats()).toMatchObject({ written: 0, poisoned: 0, buffered: 2 });
    down = false;
    expect(await recorder.flush(30_000)).toBe(true);
    expect(written).toEqual(["a", "b"]);
    expect(recorder.stats()).toMatchObject({ written: 2, poisoned: 0 });
  });

  it("flush with nothing pending resolves at once", async () => {
    const recorder = new BatchRecorder<number>(async () => undefined, { bufferSize: 1, batchSize: 1, flushIntervalMs: 1000, bufferWaitMs: 0 }, quiet);
    expect(await recorder.flush(1)).toBe(true);
  });
});

describe("recorder configuration and ids", () => {
  it("reads defaults and rejects nonsense", () => {
    expect(readRecorderConfig({})).toEqual({ bufferSize: 10_000, batchSize: 500, flushIntervalMs: 50, bufferWaitMs: 5_000, sampleRate: 1, retentionDays: 0 });
    expect(readRecorderConfig({ RULEBOX_API_RUN_SAMPLE_RATE: "0.25", RULEBOX_RUN_BUFFER: "100", RULEBOX_RUN_BATCH: "1000" })).toMatchObject({ sampleRate: 0.25, bufferSize: 100, batchSize: 100 });
    expect(() => readRecorderConfig({ RULEBOX_API_RUN_SAMPLE_RATE: "2" })).toThrow(/RULEBOX_API_RUN_SAMPLE_RATE/);
  });

  it("run ids are unique and cuid-shaped", () => {
    const ids = new Set(Array.from({ length: 1000 }, newRunId));
    expect(ids.size).toBe(1000);
    for (const id of ids) expect(id).toMatch(/^c[0-9a-z]{24}$/);
  });
});
