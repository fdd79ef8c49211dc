import { test, expect, journeyScreenshot, uniqueName } from "./fixtures";

test.describe("smoke", () => {
  test("home lists the example rules; a rule created from the UI appears in the list", async ({ page }, testInfo) => {
    await page.goto("/");
    const table = page.getByRole("table", { name: "Rules" });
    await expect(table.getByRole("link", { name: "Order discount" })).toBeVisible();
    await expect(table.getByRole("link", { name: "Loan eligibility" })).toBeVisible();

    const name = uniqueName("Smoke rule");
    const form = page.getByRole("form", { name: "Create rule" });
    await form.getByLabel("New rule name").fill(name);
    await form.getByLabel("Language").selectOption("javascript");
    await form.getByRole("button", { name: "Create rule" }).click();

    const row = table.getByRole("row").filter({ has: page.getByRole("link", { name }) });
    await expect(row).toBeVisible();
    await expect(row.getByText("JavaScript")).toBeVisible();
    await expect(row.getByText("v1")).toBeVisible();
    await expect(page.getByRole("status").filter({ hasText: `Created “${name}”` })).toBeVisible();

    // Search narrows the list to the new rule.
    await page.getByLabel("Search rules").fill(name);
    await expect(table.getByRole("link")).toHaveCount(1);
    await journeyScreenshot(page, testInfo, "smoke-home-light");

    await page.emulateMedia({ colorScheme: "dark" });
    await page.getByLabel("Search rules").fill("");
    await expect(table.getByRole("link", { name: "Order discount" })).toBeVisible();
    await expect(page.locator("html")).toHaveAttribute("data-theme", "dark");
    await journeyScreenshot(page, testInfo, "smoke-home-dark");
  });

  test("rename and archive a rule from the list", async ({ page, guard }, testInfo) => {
    guard.allow(/status of 409/);
    await page.goto("/");
    const table = page.getByRole("table", { name: "Rules" });
    const name = uniqueName("Rename me");
    await page.getByLabel("New rule name").fill(name);
    await page.getByRole("button", { name: "Create rule" }).click();
    await expect(table.getByRole("link", { name })).toBeVisible();

    await table.getByRole("button", { name: `Rename ${name}` }).click();
    const renamed = `${name} (renamed)`;
    const input = table.getByLabel(`New name for ${name}`);
    await input.fill(renamed);
    await input.press("Enter");
    await expect(table.getByRole("link", { name: renamed })).toBeVisible();

    // A duplicate name is refused with the server's message, nothing is lost.
    await table.getByRole("button", { name: `Rename ${renamed}` }).click();
    await table.getByLabel(`New name for ${renamed}`).fill("Order discount");
    await table.getByLabel(`New name for ${renamed}`).press("Enter");
    await expect(page.getByRole("alert").filter({ hasText: "already exists" })).toBeVisible();
    await table.getByLabel(`New name for ${renamed}`).press("Escape");

    await table.getByRole("button", { name: `Archive ${renamed}` }).click();
    await expect(table.getByRole("link", { name: renamed })).toHaveCount(0);
    await page.getByRole("button", { name: "Undo" }).click();
    await expect(table.getByRole("link", { name: renamed })).toBeVisible();
    await journeyScreenshot(page, testInfo, "smoke-rename-archive");
  });
});
