import { test, expect, createRuleViaApi, journeyScreenshot, openRule, uniqueName, waitForEditor } from "./fixtures";

// The guard fixture fails any test that requests another origin; this journey exercises everything
// that loads code or data lazily (Monaco, its workers, type declarations, the diff editor).
test("the IDE never requests anything outside its own origin", async ({ page, request, baseURL }, testInfo) => {
  const origin = new URL(baseURL!).origin;
  const urls: string[] = [];
  page.on("request", (req) => urls.push(req.url()));

  await page.goto("/");
  await page.getByRole("link", { name: "Loan eligibility" }).click();
  await waitForEditor(page);
  await page.waitForLoadState("networkidle");
  const id = await createRuleViaApi(request, { name: uniqueName("Offline"), language: "typescript", sampleInput: { a: 1 } });
  await openRule(page, id);
  await page.getByRole("tab", { name: "Versions" }).click();
  await page.getByRole("button", { name: "Diff version 1 with working copy" }).click();
  await expect(page.getByTestId("source-diff")).toHaveAttribute("data-ready", "true");
  await page.waitForLoadState("networkidle");

  expect(urls.some((u) => u.startsWith(`${origin}/monaco/vs/`)), "Monaco is served from our origin").toBe(true);
  expect(urls.some((u) => u === `${origin}/monaco/rule-libs.json`), "library types are served from our origin").toBe(true);
  expect(urls.filter((u) => !u.startsWith(origin) && !u.startsWith("data:") && !u.startsWith("blob:"))).toEqual([]);
  await journeyScreenshot(page, testInfo, "offline-diff");
});
