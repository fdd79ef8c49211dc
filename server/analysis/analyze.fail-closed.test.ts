// The analyzer must never pass a rule because it broke: any internal failure is a blocking RB000.
import { expect, it, vi } from "vitest";

vi.mock("@babel/parser", () => ({
  parse: () => {
    throw new TypeError("internal parser bug");
  },
}));

it("turns an internal exception into a blocking RB000 diagnostic", async () => {
  const { analyzeSource, hasBlockingDiagnostics } = await import("./analyze");
  const diagnostics = analyzeSource("export default () => 1;", "javascript");
  expect(diagnostics).toEqual([expect.objectContaining({ code: "RB000", severity: "error", line: 1, column: 1 })]);
  expect(hasBlockingDiagnostics(diagnostics)).toBe(true);
});
