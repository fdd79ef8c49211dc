import { test, expect, createRuleViaApi, journeyScreenshot, openRule, uniqueName } from "./fixtures";

test.describe("API reference and Call this rule", () => {
  test("the reference renders the OpenAPI document from our origin, and a rule's Call tab gives snippets to copy", async ({ page, context, request, baseURL }, testInfo) => {
    await context.grantPermissions(["clipboard-read", "clipboard-write"]);
    await page.goto("/");
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "API", exact: true }).click();
    await expect(page.getByRole("heading", { name: "API reference", level: 1 })).toBeVisible();
    const reference = page.getByRole("region", { name: "API reference" });
    await expect(reference.getByText("Rulebox API", { exact: false }).first()).toBeVisible();
    await expect(reference.getByText("/api/rules/{id}/execute", { exact: true })).toBeVisible();
    await journeyScreenshot(page, testInfo, "api-reference");

    const ruleId = await createRuleViaApi(request, { name: uniqueName("Callable rule"), language: "javascript", source: "export default (input) => ({ total: input.amount })", sampleInput: { amount: 120, country: "DE" } });
    const published = await request.post(`/api/rules/${ruleId}/publish`, { data: { version: 1, message: "live for the call journey" } });
    expect(published.status(), await published.text()).toBe(200);
    await openRule(page, ruleId);
    await page.getByRole("tablist", { name: "Rule panels" }).getByRole("tab", { name: "Call" }).click();
    const panel = page.getByRole("region", { name: "Call this rule" });
    await expect(panel.getByText("live version (v1)")).toBeVisible();
    await expect(panel.getByRole("link", { name: "Create an API key" })).toHaveAttribute("href", "/keys");

    const snippet = panel.getByTestId("call-snippet");
    await expect(snippet).toContainText(`${baseURL}/api/rules/${ruleId}/execute`);
    await expect(snippet).toContainText('"amount": 120');
    await panel.getByRole("tab", { name: "Python" }).click();
    await panel.getByRole("radio", { name: "/execute/batch" }).check();
    await expect(snippet).toContainText(`${baseURL}/api/rules/${ruleId}/execute/batch`);
    await expect(snippet).toContainText('json={"inputs": [rule_input]}');
    await panel.getByRole("button", { name: "Copy" }).click();
    await expect(panel.getByRole("button", { name: "Copied" })).toBeVisible();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(await snippet.textContent());
    await journeyScreenshot(page, testInfo, "call-this-rule");
  });
});
