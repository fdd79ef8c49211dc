import { test, expect, createRuleViaApi, cursorPosition, journeyScreenshot, openRule, setSource, uniqueName } from "./fixtures";

const SOURCE = `export default function rule(input, ctx) {
  if (input.fail) throw new Error("asked to fail");
  return { n: input.n };
}
`;

test("runs appear in the history, filter by outcome, open one and re-run it", async ({ page, request }, testInfo) => {
  const id = await createRuleViaApi(request, { name: uniqueName("History"), language: "javascript", source: SOURCE, sampleInput: { n: 1 } });
  await openRule(page, id);
  const result = page.getByTestId("run-result");
  const run = page.getByRole("button", { name: "Run", exact: true });
  const inputBox = page.getByRole("group", { name: "Test input Sample" }).getByLabel("Input (JSON)");

  await run.click();
  await expect(result.locator("[data-outcome]")).toHaveText("ok");
  await inputBox.fill('{ "fail": true }');
  await run.click();
  await expect(result.locator("[data-outcome]")).toHaveText("error");
  await inputBox.fill('{ "n": 2 }');
  await run.click();
  await expect(result.getByTestId("run-output")).toContainText('"n": 2');

  await page.getByRole("tab", { name: "History" }).click();
  const table = page.getByRole("table", { name: "Run history" });
  await expect(table.getByRole("row")).toHaveCount(4); // header + 3 runs
  await expect(table.getByRole("row").nth(1)).toContainText("ok");
  await expect(table.getByRole("row").nth(2)).toContainText("error");

  await page.getByLabel("Filter by outcome").selectOption("error");
  await expect(table.getByRole("row")).toHaveCount(2);
  await journeyScreenshot(page, testInfo, "history-filtered");
  await table.getByRole("button", { name: /^Open run/ }).click();

  const dialog = page.getByRole("dialog", { name: "Run details" });
  await expect(dialog.getByTestId("run-detail-input")).toContainText('"fail": true');
  await expect(dialog.getByText("Error: asked to fail")).toBeVisible();
  await journeyScreenshot(page, testInfo, "history-run-detail");
  await dialog.getByRole("button", { name: "Re-run with this input" }).click();
  await expect(dialog).toBeHidden();
  await expect(result.getByText("input from a recorded run")).toBeVisible();
  await expect(result.locator("[data-outcome]")).toHaveText("error");

  await page.getByLabel("Filter by outcome").selectOption("");
  await expect(table.getByRole("row")).toHaveCount(5);
});

test("history pages with Load more", async ({ page, request }) => {
  const id = await createRuleViaApi(request, { name: uniqueName("Paging"), language: "javascript", source: SOURCE, sampleInput: { n: 1 } });
  for (let i = 0; i < 23; i++) {
    const res = await request.post("/api/run", { data: { source: SOURCE, language: "javascript", input: { n: i }, ruleId: id } });
    expect(res.ok()).toBe(true);
  }
  await openRule(page, id);
  await page.getByRole("tab", { name: "History" }).click();
  const table = page.getByRole("table", { name: "Run history" });
  await expect(table.getByRole("row")).toHaveCount(21);
  await page.getByRole("button", { name: "Load more" }).click();
  await expect(table.getByRole("row")).toHaveCount(24);
  await expect(page.getByRole("button", { name: "Load more" })).toHaveCount(0);
});

test("a recorded run's frame shows the code that ran, even after the editor changed", async ({ page, request }) => {
  const id = await createRuleViaApi(request, { name: uniqueName("Run frames"), language: "javascript", source: SOURCE, sampleInput: { fail: true } });
  await openRule(page, id);
  const result = page.getByTestId("run-result");
  await page.getByRole("button", { name: "Run", exact: true }).click();
  await expect(result.locator("[data-outcome]")).toHaveText("error");

  // Two new lines on top: line 2 of the editor is no longer the line that threw.
  await setSource(page, `// a new first line\n// and a second\n${SOURCE}`);
  await page.getByRole("tab", { name: "History" }).click();
  const table = page.getByRole("table", { name: "Run history" });
  await table.getByRole("button", { name: /^Open run/ }).first().click();
  const dialog = page.getByRole("dialog", { name: "Run details" });
  await dialog.getByRole("button", { name: /^Go to rule at line 2,/ }).click();
  await expect(dialog).toBeHidden();
  const code = page.getByRole("region", { name: "Code of the run" });
  await expect(code.getByText("Version 1, the code this run used (read-only), line 2")).toBeVisible();
  await expect(code.getByTestId("readonly-source")).toHaveAttribute("data-ready", "true");
  await expect(code.locator(".rb-highlight-line")).toHaveCount(1);
  await page.keyboard.press("Escape");
  await expect(code).toBeHidden();

  // With the editor holding the code that ran again, the frame jumps in the editor itself.
  await setSource(page, SOURCE);
  await table.getByRole("button", { name: /^Open run/ }).first().click();
  await dialog.getByRole("button", { name: /^Go to rule at line 2,/ }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole("region", { name: "Code of the run" })).toHaveCount(0);
  await expect.poll(() => cursorPosition(page).then((p) => p?.lineNumber)).toBe(2);
});
