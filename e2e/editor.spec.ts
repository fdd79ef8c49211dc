import { test, expect, createRuleViaApi, getSource, journeyScreenshot, mod, openRule, uniqueName } from "./fixtures";

const START = `/**
 * @param {RuleInput} input
 * @param {RuleContext} ctx
 */
export default function rule(input, ctx) {
  const total = input.amount;
  return { total };
}
`;

test("typing a blocked call shows a marker live; fixing it clears it; the fixed rule runs", async ({ page, request }, testInfo) => {
  const id = await createRuleViaApi(request, { name: uniqueName("Live diagnostics"), language: "javascript", source: START, sampleInput: { amount: 120, country: "DE" } });
  await openRule(page, id);
  const problemsTab = page.getByRole("tab", { name: "Problems" });
  await problemsTab.click();
  await expect(page.getByText("No problems.")).toBeVisible();

  // Put the cursor at the end of line 6 and really type the new line, key by key.
  await page.getByTestId("rule-editor").click();
  await page.keyboard.press(`${mod}+Home`);
  for (let i = 0; i < 5; i++) await page.keyboard.press("ArrowDown");
  await page.keyboard.press("End");
  await page.keyboard.press("Enter");
  await page.keyboard.type('const doubled = eval("total * 2");');
  expect((await getSource(page)).split("\n")[6]).toBe('  const doubled = eval("total * 2");');

  const problems = page.getByRole("list", { name: "Problems" });
  const blocked = problems.getByRole("button").filter({ hasText: /eval/i }).filter({ hasText: "7:" });
  await expect(blocked).toBeVisible();
  await expect(page.getByTestId("rule-editor").locator(".squiggly-error").first()).toBeVisible();
  await expect(page.getByRole("status", { name: "Unsaved changes" })).toBeVisible();
  await journeyScreenshot(page, testInfo, "editor-blocked-marker");

  // Clicking the problem puts the cursor on it.
  await page.keyboard.press(`${mod}+Home`);
  await blocked.click();
  const position = await page.evaluate(() => {
    const w = window as unknown as { monaco: { editor: { getEditors(): { getPosition(): { lineNumber: number } | null }[] } } };
    return w.monaco.editor.getEditors()[0]?.getPosition()?.lineNumber;
  });
  expect(position).toBe(7);

  // Running it anyway is refused by the server's policy check, with the same diagnostics.
  await page.getByRole("button", { name: "Run", exact: true }).click();
  const result = page.getByTestId("run-result");
  await expect(result.locator("[data-outcome]")).toHaveText("blocked");
  await expect(result.getByRole("list", { name: "Blocking diagnostics" }).getByRole("button").filter({ hasText: "7:" })).toBeVisible();

  // Fix the line by retyping it.
  await problemsTab.click();
  await blocked.click();
  await page.keyboard.press("End");
  await page.keyboard.press("Shift+Home");
  await page.keyboard.type("const doubled = total * 2;");
  await expect(blocked).toHaveCount(0);
  await expect(page.getByText("No problems.")).toBeVisible();

  // IntelliSense knows the input's fields from the selected sample input.
  await page.keyboard.press("Enter");
  await page.keyboard.type("ctx.log(input.");
  await expect(page.getByRole("option", { name: /^amount\b/ })).toBeVisible();
  await expect(page.getByRole("option", { name: /^country\b/ })).toBeVisible();
  // Monaco may or may not have auto-closed the parenthesis (typing "(" while the suggestion list is
  // open accepts the suggestion instead); typing ")" over an auto-closed one leaves one either way.
  await page.keyboard.type("country);");
  await page.keyboard.press("Escape");
  await expect.poll(async () => (await getSource(page)).split("\n")[7]).toBe("  ctx.log(input.country);");

  await page.keyboard.press(`${mod}+Enter`);
  await expect(result.locator("[data-outcome]")).toHaveText("ok");
  await expect(result.getByTestId("run-output")).toContainText('"total": 120');
  await expect(result.getByRole("list", { name: "Logs" })).toContainText("DE");
  await journeyScreenshot(page, testInfo, "editor-fixed-and-run");
});
