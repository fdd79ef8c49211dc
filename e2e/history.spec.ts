import { test, expect, createRuleViaApi, journeyScreenshot, openRule, uniqueName } from "./fixtures";

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
