import { test, expect, createRuleViaApi, cursorPosition, journeyScreenshot, mod, openRule, uniqueName } from "./fixtures";

const BROKEN = `export default function rule(input, ctx) {
  ctx.log("checking", input.ok);
  return check(input);
}

function check(input) {
  if (!input.ok) {
    throw new TypeError("input.ok must be true");
  }
  return { ok: true };
}
`;

test("a thrown error shows a traceback whose frames jump to the right line", async ({ page, request }, testInfo) => {
  const id = await createRuleViaApi(request, { name: uniqueName("Traceback"), language: "javascript", source: BROKEN, sampleInput: { ok: false } });
  await openRule(page, id);

  await page.getByTestId("rule-editor").click();
  await page.keyboard.press(`${mod}+Enter`);

  const result = page.getByTestId("run-result");
  await expect(result.locator("[data-outcome]")).toHaveText("error");
  await expect(result.getByText("TypeError: input.ok must be true")).toBeVisible();
  await expect(result.getByRole("list", { name: "Logs" })).toContainText("checking");

  const frames = result.getByRole("list", { name: "Stack frames" }).getByRole("button");
  await expect(frames.first()).toHaveAccessibleName(/Go to check at line 8, column \d+/);
  await expect(frames.nth(1)).toHaveAccessibleName(/Go to rule at line 3, column \d+/);

  // Move the cursor away, then follow the innermost frame back to the throw.
  await page.getByTestId("rule-editor").click();
  await page.keyboard.press(`${mod}+Home`);
  expect((await cursorPosition(page))?.lineNumber).toBe(1);
  await frames.first().click();
  await expect.poll(async () => (await cursorPosition(page))?.lineNumber).toBe(8);
  await expect(page.locator(".rb-highlight-line")).toHaveCount(1);
  await journeyScreenshot(page, testInfo, "traceback-frame-jump");

  await frames.nth(1).click();
  await expect.poll(async () => (await cursorPosition(page))?.lineNumber).toBe(3);

  // Dark theme from the system preference; Monaco follows, and the toggle overrides it.
  await page.emulateMedia({ colorScheme: "dark" });
  await expect(page.locator("html")).toHaveAttribute("data-theme", "dark");
  await expect(page.locator(".monaco-editor.rulebox-dark, .monaco-editor.vs-dark").first()).toBeVisible();
  await journeyScreenshot(page, testInfo, "traceback-dark");
  await page.getByRole("button", { name: "Switch to light theme" }).click();
  await expect(page.locator("html")).toHaveAttribute("data-theme", "light");
  await expect(page.locator(".monaco-editor.rulebox-light, .monaco-editor.vs").first()).toBeVisible();
});
