import { test, expect, createRuleViaApi, journeyScreenshot, openRule, uniqueName, waitForEditor } from "./fixtures";

const DOUBLE = `export default function rule(input, ctx) {
  return { double: input.n * 2 };
}
`;

test("test inputs with expectations: invalid JSON is refused, Run all shows pass and fail", async ({ page, request }, testInfo) => {
  const id = await createRuleViaApi(request, { name: uniqueName("Cases"), language: "javascript", source: DOUBLE, sampleInput: { n: 2 } });
  await openRule(page, id);

  const sample = page.getByRole("group", { name: "Test input Sample" });
  await sample.getByLabel("Expect an output (makes this a test case)").check();
  await sample.getByLabel("Expected output (JSON)").fill('{ "double": 4 }');
  await sample.getByRole("button", { name: "Save input" }).click();
  await expect(page.getByText("Saved input “Sample”.")).toBeVisible();
  await expect(sample.getByText("unsaved")).toHaveCount(0);

  await page.getByRole("button", { name: "+ New input" }).click();
  const second = page.getByRole("group", { name: "Test input Input 2" });
  const input = second.getByLabel("Input (JSON)");
  await input.fill('{ "n": ');
  await expect(second.getByRole("alert")).toContainText("Invalid JSON");
  await expect(second.getByRole("button", { name: "Save new input" })).toBeDisabled();
  await input.fill('{ "n": 5 }');
  await expect(second.getByRole("alert")).toHaveCount(0);
  await second.getByLabel("Expect an output (makes this a test case)").check();
  await second.getByLabel("Expected output (JSON)").fill('{ "double": 11 }');
  await second.getByRole("button", { name: "Save new input" }).click();
  await expect(page.getByText("Saved input “Input 2”.")).toBeVisible();

  await page.getByRole("button", { name: "Run all" }).click();
  await expect(sample.locator('[data-verdict="pass"]')).toBeVisible();
  await expect(second.locator('[data-verdict="fail"]')).toBeVisible();
  await expect(page.getByRole("status").filter({ hasText: "1/2 passed" })).toBeVisible();
  await journeyScreenshot(page, testInfo, "test-cases-run-all");

  // The failing case's result shows what the rule really returned.
  await second.getByRole("button", { name: "Show result for Input 2" }).click();
  await expect(page.getByTestId("run-output")).toContainText('"double": 10');
  await expect(page.getByTestId("run-expected")).toContainText('"double": 11');
  await expect(page.getByTestId("run-result").getByText("test failed")).toBeVisible();

  // Both inputs and their expectations were stored.
  await page.reload();
  await waitForEditor(page);
  await expect(page.getByRole("group", { name: "Test input Input 2" })).toBeVisible();
  await page.getByRole("radio", { name: "Use Input 2 for Run" }).check();
  await expect(page.getByRole("group", { name: "Test input Input 2" }).getByLabel("Expected output (JSON)")).toHaveValue(/"double": 11/);

  // A case whose expectation does not parse is not run, and Run all's tally says so.
  await page.getByRole("button", { name: "+ New input" }).click();
  const third = page.getByRole("group", { name: "Test input Input 3" });
  await third.getByLabel("Expect an output (makes this a test case)").check();
  await third.getByLabel("Expected output (JSON)").fill("{oops");
  await page.getByRole("button", { name: "Run all" }).click();
  await expect(third.locator('[data-verdict="invalid"]')).toHaveText("not run: expected output is not JSON");
  await expect(page.getByRole("status").filter({ hasText: "1/3 passed, 1 not run" })).toBeVisible();
});
