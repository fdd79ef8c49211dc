import { test, expect, createRuleViaApi, journeyScreenshot, openRule, uniqueName } from "./fixtures";

// The clock to the millisecond: only the run's recorded clock makes the replay identical.
const SOURCE = `export default function rule(input, ctx) {
  return { n: input.n, at: new Date().toISOString(), now: ctx.now };
}
`;

test("replay a recorded run exactly from its details and see it is identical", async ({ page, request }, testInfo) => {
  const id = await createRuleViaApi(request, { name: uniqueName("Exact replay"), language: "javascript", source: SOURCE, sampleInput: { n: 1 } });
  await openRule(page, id);
  await page.getByRole("button", { name: "Run", exact: true }).click();
  await expect(page.getByTestId("run-result").locator("[data-outcome]")).toHaveText("ok");

  await page.getByRole("tab", { name: "History" }).click();
  await page.getByRole("table", { name: "Run history" }).getByRole("button", { name: /^Open run/ }).first().click();
  const dialog = page.getByRole("dialog", { name: "Run details" });
  await dialog.getByRole("button", { name: "Replay exactly" }).click();
  await expect(dialog.getByRole("status", { name: "Exact replay" })).toContainText("Identical");
  await journeyScreenshot(page, testInfo, "run-replay-identical");
});
