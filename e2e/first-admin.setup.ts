import { test, expect, ADMIN, adminStatePath, journeyScreenshot } from "./fixtures";

// The first start of an empty database leads to creating the first admin (no default password).
// This runs before every other journey and saves the admin's signed-in state for them.
test("a fresh install asks for the first admin, who is then signed in", async ({ page }, testInfo) => {
  await page.goto("/");
  await expect(page).toHaveURL(/\/setup$/);
  // Signing in is not possible yet: the sign-in page leads here too.
  await page.goto("/sign-in");
  await expect(page).toHaveURL(/\/setup$/);

  const form = page.getByRole("form", { name: "Create the first admin" });
  await expect(page.getByRole("heading", { name: "Create the first admin" })).toBeVisible();
  await form.getByLabel("Email").fill(ADMIN.email);
  await form.getByLabel("Name").fill(ADMIN.name);
  await form.getByLabel("Password", { exact: true }).fill(ADMIN.password);
  await form.getByLabel("Confirm password").fill(`${ADMIN.password} typo`);
  await expect(form.getByText("The two passwords differ.")).toBeVisible();
  await expect(form.getByRole("button", { name: "Create admin and sign in" })).toBeDisabled();
  await form.getByLabel("Confirm password").fill(ADMIN.password);
  await journeyScreenshot(page, testInfo, "accounts-first-admin-setup");
  await form.getByRole("button", { name: "Create admin and sign in" }).click();

  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole("heading", { name: "Rules", level: 1 })).toBeVisible();
  const header = page.getByRole("banner");
  await expect(header.getByText(ADMIN.email)).toBeVisible();
  await expect(header.getByText("admin", { exact: true })).toBeVisible();

  // Setup is over: its page now sends people to sign in (and, signed in, on to the app).
  await page.goto("/setup");
  await expect(page).toHaveURL(/\/$/);
  await page.context().storageState({ path: adminStatePath() });
});
