import { test, expect, createRuleViaApi, journeyScreenshot, mod, openRule, setSource, uniqueName } from "./fixtures";

const sourceFor = (n: number) => `export default function rule(input: RuleInput, ctx: RuleContext) {
  return { price: ${n * 10} };
}
`;

test("publish a saved version, see what callers get, and roll back from the timeline", async ({ page, request }, testInfo) => {
  const id = await createRuleViaApi(request, { name: uniqueName("Publish"), language: "typescript", source: sourceFor(1), sampleInput: {} });
  const key = await request.post("/api/keys", { data: { name: uniqueName("publish key") } });
  const { secret } = (await key.json()) as { secret: string };
  const execute = async () => {
    const res = await request.post(`/api/rules/${id}/execute`, { data: { input: {} }, headers: { authorization: `Bearer ${secret}` } });
    return { status: res.status(), body: (await res.json()) as { version?: number; output?: unknown; error?: { message: string } } };
  };
  expect((await execute()).status).toBe(409);

  await openRule(page, id);
  const live = page.getByLabel("Live version");
  await expect(live).toHaveText("not published");

  // First release: no diff, just the message.
  await page.getByRole("button", { name: "Publish" }).click();
  let dialog = page.getByRole("dialog", { name: "Publish version" });
  await expect(dialog.getByText("Nothing is live yet")).toBeVisible();
  await dialog.getByLabel("Message").fill("First release");
  await dialog.getByRole("button", { name: "Publish v1" }).click();
  await expect(dialog).toBeHidden();
  await expect(live).toHaveText("live v1");
  expect(await execute()).toMatchObject({ status: 200, body: { version: 1, output: { price: 10 } } });

  // Saving does not change what callers get; the badge says so.
  await setSource(page, sourceFor(2));
  await page.getByTestId("rule-editor").click();
  await page.keyboard.press(`${mod}+s`);
  const save = page.getByRole("dialog", { name: "Save version" });
  await save.getByLabel("Message").fill("Double the price");
  await save.getByLabel("Message").press("Enter");
  await expect(page.getByText("Saved as v2")).toBeVisible();
  await expect(live).toHaveText("live v1 · v2 not live");
  expect((await execute()).body.version).toBe(1);

  // Publishing shows the change against what is live.
  await page.getByRole("button", { name: "Publish" }).click();
  dialog = page.getByRole("dialog", { name: "Publish version" });
  await expect(dialog.getByLabel("Version to publish")).toHaveValue("2");
  await expect(dialog.getByTestId("source-diff")).toHaveAttribute("data-ready", "true");
  await expect(dialog.getByText("v1 (live)", { exact: true })).toBeVisible();
  // What-if: the two /execute calls recorded so far, replayed through v2 against live v1.
  await dialog.getByRole("button", { name: "Replay recent traffic through v2" }).click();
  const replay = dialog.getByRole("status", { name: "Replay summary" });
  await expect(replay).toContainText("2 of 2 outputs would change");
  await expect(replay.getByRole("list", { name: "Changed runs" })).toContainText("$.price: 10 → 20");
  await dialog.getByLabel("Message").fill("Ship the new price");
  await journeyScreenshot(page, testInfo, "publish-dialog");
  await dialog.getByRole("button", { name: "Publish v2" }).click();
  await expect(dialog).toBeHidden();
  await expect(live).toHaveText("live v2");
  expect(await execute()).toMatchObject({ status: 200, body: { version: 2, output: { price: 20 } } });

  // The timeline lists both moves; rolling back publishes v1 again.
  await page.getByRole("tab", { name: "Versions" }).click();
  const timeline = page.getByRole("list", { name: "Deployments" });
  await expect(timeline.getByRole("listitem")).toHaveCount(2);
  await expect(timeline.getByRole("listitem").first()).toContainText("v1 → v2");
  await expect(timeline.getByRole("listitem").first()).toContainText("Ship the new price");
  page.once("dialog", (confirm) => void confirm.accept());
  await timeline.getByRole("button", { name: "Roll back to version 1" }).click();
  await expect(live).toHaveText("live v1 · v2 not live");
  await expect(timeline.getByRole("listitem")).toHaveCount(3);
  await expect(timeline.getByRole("listitem").first()).toContainText("Roll back to v1");
  await journeyScreenshot(page, testInfo, "publish-timeline");
  expect(await execute()).toMatchObject({ status: 200, body: { version: 1, output: { price: 10 } } });
});
