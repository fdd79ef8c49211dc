import { test, expect, createRuleViaApi, journeyScreenshot, mod, openRule, uniqueName } from "./fixtures";

const ENDLESS = `export default function rule(input, ctx) {
  let i = 0;
  for (;;) i++;
}
`;

test("limits: invalid values are refused with a message; a timeout explains the limit it hit", async ({ page, request }, testInfo) => {
  const id = await createRuleViaApi(request, { name: uniqueName("Limits"), language: "javascript", source: ENDLESS, sampleInput: {} });
  await openRule(page, id);
  await page.getByRole("tab", { name: "Settings" }).click();
  const form = page.getByRole("form", { name: "Rule settings" });
  const timeout = form.getByLabel("Timeout (ms)");
  await expect(form.getByText(/server max/).first()).toBeVisible();

  await timeout.fill("abc");
  await expect(form.getByText("Timeout must be a whole number above 0.")).toBeVisible();
  await expect(form.getByRole("button", { name: "Save settings" })).toBeDisabled();
  await timeout.fill("99999999");
  await expect(form.getByText(/Timeout cannot exceed the server cap of \d+ ms/)).toBeVisible();
  await expect(form.getByRole("button", { name: "Save settings" })).toBeDisabled();

  await timeout.fill("300");
  await form.getByRole("button", { name: "Save settings" }).click();
  await expect(form.getByRole("status")).toContainText("Settings saved");
  await journeyScreenshot(page, testInfo, "limits-settings");

  await page.getByTestId("rule-editor").click();
  await page.keyboard.press(`${mod}+Enter`);
  const result = page.getByTestId("run-result");
  await expect(result.locator("[data-outcome]")).toHaveText("timeout", { timeout: 15_000 });
  await expect(result.getByText("Stopped: the rule ran out of time")).toBeVisible();
  await expect(result.getByText(/Limit hit: .*300 ms/)).toBeVisible();
  await journeyScreenshot(page, testInfo, "limits-timeout");

  // The limit is stored on the rule.
  const stored = (await (await request.get(`/api/rules/${id}`)).json()) as { rule: { limits: { timeoutMs?: number } } };
  expect(stored.rule.limits.timeoutMs).toBe(300);
});
