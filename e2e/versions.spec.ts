import { test, expect, createRuleViaApi, getSource, journeyScreenshot, mod, openRule, openRuleFromList, setSource, uniqueName, waitForEditor } from "./fixtures";

const sourceFor = (n: number) => `export default function rule(input: RuleInput, ctx: RuleContext) {
  ctx.log("version ${n}");
  return { version: ${n} };
}
`;

async function saveVersion(page: import("@playwright/test").Page, message: string, expectedNumber: number) {
  await page.getByTestId("rule-editor").click();
  await page.keyboard.press(`${mod}+s`);
  const dialog = page.getByRole("dialog", { name: "Save version" });
  await expect(dialog.getByRole("heading", { name: `Save version ${expectedNumber}` })).toBeVisible();
  await dialog.getByLabel("Message").fill(message);
  await dialog.getByLabel("Message").press("Enter");
  await expect(dialog).toBeHidden();
  await expect(page.getByText(`Saved as v${expectedNumber}`)).toBeVisible();
}

test("save two versions, diff them, open an old one read-only and restore it", async ({ page, request }, testInfo) => {
  const id = await createRuleViaApi(request, { name: uniqueName("Versions"), language: "typescript", source: sourceFor(1), sampleInput: { a: 1 } });
  await openRule(page, id);
  await expect(page.getByText("Saved as v1")).toBeVisible();

  await setSource(page, sourceFor(2));
  await expect(page.getByRole("status", { name: "Unsaved changes" })).toBeVisible();
  await saveVersion(page, "Second version", 2);
  await setSource(page, sourceFor(3));
  await saveVersion(page, "Third version", 3);

  await page.getByRole("tab", { name: "Versions" }).click();
  const list = page.getByRole("list", { name: "Versions" });
  await expect(list.getByRole("listitem")).toHaveCount(3);
  await expect(list.getByRole("listitem").first()).toContainText("Third version");

  const compare = page.getByRole("form", { name: "Compare versions" });
  await compare.getByLabel("Compare from").selectOption("2");
  await compare.getByLabel("Compare to").selectOption("3");
  await compare.getByRole("button", { name: "Show diff" }).click();
  const diff = page.getByRole("region", { name: "Diff" });
  await expect(diff.getByTestId("source-diff")).toHaveAttribute("data-ready", "true");
  await expect(diff.getByText(/changed region/)).toBeVisible();
  await expect(diff.getByText("Diff: Version 2 ↔ Version 3")).toBeVisible();
  await journeyScreenshot(page, testInfo, "versions-diff");
  await page.keyboard.press("Escape");
  await expect(diff).toBeHidden();

  // An edit makes the working copy differ from v3; diff against it.
  await setSource(page, sourceFor(5));
  await list.getByRole("button", { name: "Diff version 3 with working copy" }).click();
  await expect(page.getByRole("region", { name: "Diff" }).getByText("Diff: Version 3 ↔ Working copy")).toBeVisible();
  await page.getByRole("button", { name: "Close and return to the editor" }).click();
  await setSource(page, sourceFor(3));
  await expect(page.getByText("Saved as v3")).toBeVisible();

  await list.getByRole("button", { name: "Open version 1" }).click();
  const old = page.getByRole("region", { name: "Version 1" });
  await expect(old.getByTestId("readonly-source")).toHaveAttribute("data-ready", "true");
  await expect(old.getByText("Version 1 (read-only)")).toBeVisible();
  await journeyScreenshot(page, testInfo, "versions-open-old");
  await old.getByRole("button", { name: "Restore as new version" }).click();

  await expect(page.getByText("Restored version 1 as version 4.")).toBeVisible();
  await expect(page.getByText("Saved as v4")).toBeVisible();
  expect(await getSource(page)).toBe(sourceFor(1));
  await expect(list.getByRole("listitem").first()).toContainText("Restore version 1");
  await expect(list.getByRole("listitem")).toHaveCount(4);
  await journeyScreenshot(page, testInfo, "versions-restored");
});

test("Back after a save shows the saved version, not the page as first loaded", async ({ page, request }) => {
  const name = uniqueName("Back nav");
  await createRuleViaApi(request, { name, language: "typescript", source: sourceFor(1), sampleInput: { a: 1 } });
  // Reach the workspace by a client-side link, so Back uses the router's cached page.
  await openRuleFromList(page, name);
  await setSource(page, sourceFor(2));
  await saveVersion(page, "Second version", 2);
  await page.getByRole("link", { name: "Rulebox" }).click();
  await expect(page.getByRole("heading", { name: "Rules" })).toBeVisible();
  await page.goBack();
  await waitForEditor(page);
  await expect(page.getByText("Saved as v2")).toBeVisible();
  await expect.poll(() => getSource(page)).toBe(sourceFor(2));
});

test("an archived rule says so, takes no save, and can be restored from its workspace", async ({ page, request }, testInfo) => {
  const id = await createRuleViaApi(request, { name: uniqueName("Archived"), language: "typescript", source: sourceFor(1), sampleInput: { a: 1 } });
  expect((await request.delete(`/api/rules/${id}`)).status()).toBe(200);
  await openRule(page, id);
  const banner = page.getByRole("status").filter({ hasText: "This rule is archived" });
  await expect(banner).toBeVisible();
  await expect(page.getByRole("button", { name: "Save", exact: true })).toBeDisabled();
  // Running still works: an archived rule can be inspected and tried.
  await page.getByRole("button", { name: "Run", exact: true }).click();
  await expect(page.getByTestId("run-result").locator("[data-outcome]")).toHaveText("ok");
  await journeyScreenshot(page, testInfo, "versions-archived");
  await banner.getByRole("button", { name: "Restore rule" }).click();
  await expect(banner).toBeHidden();
  await expect(page.getByRole("button", { name: "Save", exact: true })).toBeEnabled();
  const res = await request.get(`/api/rules/${id}`);
  expect(((await res.json()) as { rule: { archived: boolean } }).rule.archived).toBe(false);
});

test("unsaved changes survive leaving the page with Back, and can be discarded", async ({ page, request }, testInfo) => {
  const name = uniqueName("Working copy");
  await createRuleViaApi(request, { name, language: "typescript", source: sourceFor(1), sampleInput: { a: 1 } });
  await openRuleFromList(page, name);
  await setSource(page, sourceFor(7));
  await expect(page.getByRole("status", { name: "Unsaved changes", exact: true })).toBeVisible();
  // Browser Back from a client-side navigation asks nothing: the edits must not be lost.
  await page.goBack();
  await expect(page.getByRole("heading", { name: "Rules" })).toBeVisible();
  await page.goForward();
  await waitForEditor(page);
  const notice = page.getByRole("status", { name: "Restored unsaved changes" });
  await expect(notice).toBeVisible();
  await expect.poll(() => getSource(page)).toBe(sourceFor(7));
  await expect(page.getByRole("status", { name: "Unsaved changes", exact: true })).toBeVisible();
  await journeyScreenshot(page, testInfo, "versions-working-copy-restored");

  await notice.getByRole("button", { name: "Discard them" }).click();
  await expect(notice).toBeHidden();
  await expect.poll(() => getSource(page)).toBe(sourceFor(1));
  await expect(page.getByText("Saved as v1")).toBeVisible();
  // Nothing is offered again after a discard.
  await page.reload();
  await waitForEditor(page);
  await expect(page.getByText("Saved as v1")).toBeVisible();
  await expect(page.getByRole("status", { name: "Restored unsaved changes" })).toHaveCount(0);
});
