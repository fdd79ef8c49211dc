import type { Browser, Page } from "@playwright/test";
import { test, expect, ADMIN, createRuleViaApi, getSource, journeyScreenshot, openRule, uniqueName, waitForEditor } from "./fixtures";

// People and roles (issue 9): signing in and out, an admin creating users with roles, each role
// seeing only the controls it may use, an admin revoking a key, and the audit trail showing it all.
// The server enforces all of it (tests/api/access.itest.ts); these journeys check the UI follows.

const SIGNED_OUT = { cookies: [], origins: [] };
const PASSWORD = "a long enough e2e password";

/** A separate browser context signed in through the sign-in page as `email`. */
async function signInAs(browser: Browser, email: string, password = PASSWORD): Promise<Page> {
  const context = await browser.newContext({ storageState: SIGNED_OUT });
  const page = await context.newPage();
  await page.goto("/");
  await expect(page).toHaveURL(/\/sign-in$/);
  const form = page.getByRole("form", { name: "Sign in" });
  await form.getByLabel("Email").fill(email);
  await form.getByLabel("Password").fill(password);
  await form.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "Rules", level: 1 })).toBeVisible();
  await expect(page.getByRole("banner").getByText(email)).toBeVisible();
  return page;
}

test.describe("signing in and out", () => {
  test.use({ storageState: SIGNED_OUT });

  test("a signed-out visit leads to sign in and back; wrong passwords are refused; sign out ends the session", async ({ page, guard }, testInfo) => {
    guard.allow(/status of 401/);
    await page.goto("/keys");
    await expect(page).toHaveURL(/\/sign-in\?next=%2Fkeys$/);
    const form = page.getByRole("form", { name: "Sign in" });
    await form.getByLabel("Email").fill(ADMIN.email);
    await form.getByLabel("Password").fill("not the password at all");
    await form.getByRole("button", { name: "Sign in" }).click();
    await expect(form.getByRole("alert")).toContainText("the email or password is wrong");
    await journeyScreenshot(page, testInfo, "accounts-sign-in-refused");

    await form.getByLabel("Password").fill(ADMIN.password);
    await form.getByRole("button", { name: "Sign in" }).click();
    await expect(page).toHaveURL(/\/keys$/);
    await expect(page.getByRole("heading", { name: "API keys", level: 1 })).toBeVisible();
    const header = page.getByRole("banner");
    await expect(header.getByText(ADMIN.email)).toBeVisible();
    await expect(header.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Users" })).toBeVisible();

    await header.getByRole("button", { name: "Sign out" }).click();
    await expect(page).toHaveURL(/\/sign-in$/);
    await expect(page.getByRole("form", { name: "Sign in" })).toBeVisible();
    // The session is gone on the server too, not only the cookie.
    expect((await page.request.get("/api/auth/me")).status()).toBe(401);
    await page.goto("/");
    await expect(page).toHaveURL(/\/sign-in$/);

    // ?next= goes only to paths on this site.
    await page.goto("/sign-in?next=//evil.example/steal");
    await form.getByLabel("Email").fill(ADMIN.email);
    await form.getByLabel("Password").fill(ADMIN.password);
    await form.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("heading", { name: "Rules", level: 1 })).toBeVisible();
    expect(new URL(page.url()).origin).toBe(new URL(testInfo.project.use.baseURL!).origin);
    // Signed in, the sign-in page moves on to the app.
    await page.goto("/sign-in");
    await expect(page).toHaveURL(/\/$/);
  });
});

test.describe("roles", () => {
  test.describe.configure({ mode: "serial" });
  const stamp = `${process.pid}-${Date.now().toString(36)}`;
  const people = {
    viewer: { email: `viewer-${stamp}@e2e.example`, role: "viewer" },
    author: { email: `author-${stamp}@e2e.example`, role: "author" },
    publisher: { email: `publisher-${stamp}@e2e.example`, role: "publisher" },
  } as const;
  let ruleId = "";
  let ruleName = "";

  test("an admin creates a viewer, an author and a publisher in Users", async ({ page, request }, testInfo) => {
    ruleName = uniqueName("Roles rule");
    ruleId = await createRuleViaApi(request, { name: ruleName, language: "javascript", source: "export default (input) => ({ twice: input.n * 2 });", sampleInput: { n: 2 } });
    const published = await request.post(`/api/rules/${ruleId}/publish`, { data: { version: 1, message: "first release" } });
    expect(published.status(), await published.text()).toBe(200);

    await page.goto("/");
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Users" }).click();
    await expect(page.getByRole("heading", { name: "Users", level: 1 })).toBeVisible();
    const form = page.getByRole("form", { name: "Create user" });
    const table = page.getByRole("table", { name: "Users" });
    for (const person of Object.values(people)) {
      await form.getByLabel("Email").fill(person.email);
      await form.getByLabel("Role").selectOption(person.role);
      await form.getByLabel("Initial password", { exact: true }).fill(PASSWORD);
      await form.getByLabel("Confirm initial password").fill(PASSWORD);
      await form.getByRole("button", { name: "Create user" }).click();
      await expect(page.getByRole("status")).toContainText(`Created ${person.email} as ${person.role}`);
      const row = table.getByRole("row", { name: person.email });
      await expect(row.getByLabel(`Role of ${person.email}`)).toHaveValue(person.role);
      await expect(row.getByText("active")).toBeVisible();
    }
    // A role change takes effect at once (the server reads the role on every request).
    const publisherRole = table.getByRole("row", { name: people.publisher.email }).getByLabel(`Role of ${people.publisher.email}`);
    await publisherRole.selectOption("author");
    await expect(page.getByRole("status")).toContainText(`${people.publisher.email} is now author`);
    await publisherRole.selectOption("publisher");
    await expect(page.getByRole("status")).toContainText(`${people.publisher.email} is now publisher`);
    await journeyScreenshot(page, testInfo, "accounts-users");
  });

  test("a viewer reads everything and edits nothing", async ({ browser }, testInfo) => {
    const page = await signInAs(browser, people.viewer.email);
    await expect(page.getByRole("form", { name: "Create rule" })).toHaveCount(0);
    await expect(page.getByRole("button", { name: /^(Rename|Archive) / })).toHaveCount(0);
    const nav = page.getByRole("navigation", { name: "Main" });
    await expect(nav.getByRole("link", { name: "Rules" })).toBeVisible();
    await expect(nav.getByRole("link", { name: "API keys" })).toHaveCount(0);
    await expect(nav.getByRole("link", { name: "Users" })).toHaveCount(0);

    await openRule(page, ruleId);
    await expect(page.getByRole("heading", { name: ruleName })).toBeVisible();
    await expect(page.getByTestId("rule-editor")).toHaveAttribute("data-readonly", "true");
    for (const name of ["Run", "Save", "Publish"]) await expect(page.getByRole("button", { name, exact: true })).toHaveCount(0);
    await expect(page.getByRole("button", { name: "+ New input" })).toHaveCount(0);
    await expect(page.getByRole("button", { name: "Run all" })).toHaveCount(0);
    await expect(page.getByText("Read-only", { exact: true })).toBeVisible();
    // Typing into the editor changes nothing.
    const before = await getSource(page);
    await page.getByTestId("rule-editor").click();
    await page.keyboard.type("// edited by a viewer");
    expect(await getSource(page)).toBe(before);

    await page.getByRole("tab", { name: "Settings" }).click();
    await expect(page.getByRole("form", { name: "Rule settings" }).getByLabel("Name")).toBeDisabled();
    await expect(page.getByRole("button", { name: "Save settings" })).toHaveCount(0);
    await page.getByRole("tab", { name: "Versions" }).click();
    await expect(page.getByRole("button", { name: "Open version 1" })).toBeVisible();
    await expect(page.getByRole("listitem", { name: "Version 1", exact: true })).toContainText(ADMIN.email);
    await journeyScreenshot(page, testInfo, "accounts-viewer-workspace");

    await page.goto("/keys");
    await expect(page.getByRole("heading", { name: "Not allowed for your role" })).toBeVisible();
    await expect(page.getByRole("main")).toContainText("needs the admin role");
    await page.context().close();
  });

  test("an author saves versions but cannot publish or archive", async ({ browser }, testInfo) => {
    const page = await signInAs(browser, people.author.email);
    await expect(page.getByRole("form", { name: "Create rule" })).toBeVisible();
    const row = page.getByRole("table", { name: "Rules" }).getByRole("row").filter({ has: page.getByRole("link", { name: ruleName }) });
    await expect(row.getByRole("button", { name: `Rename ${ruleName}` })).toBeVisible();
    await expect(row.getByRole("button", { name: `Archive ${ruleName}` })).toHaveCount(0);

    await openRule(page, ruleId);
    await expect(page.getByTestId("rule-editor")).toHaveAttribute("data-readonly", "false");
    await expect(page.getByRole("button", { name: "Run", exact: true })).toBeVisible();
    await expect(page.getByRole("button", { name: "Save", exact: true })).toBeVisible();
    await expect(page.getByRole("button", { name: "Publish", exact: true })).toHaveCount(0);

    await page.getByRole("button", { name: "Run", exact: true }).click();
    await expect(page.getByTestId("run-output")).toContainText('"twice": 4');
    await page.getByRole("button", { name: "Save", exact: true }).click();
    const dialog = page.getByRole("dialog", { name: "Save version" });
    await dialog.getByLabel("Message").fill("Saved by the author");
    await dialog.getByRole("button", { name: "Save version" }).click();
    await expect(page.getByText("Saved as v2")).toBeVisible();
    await page.getByRole("tab", { name: "Versions" }).click();
    await expect(page.getByRole("listitem", { name: "Version 2", exact: true })).toContainText(people.author.email);
    await expect(page.getByRole("listitem", { name: "Deployment of version 1" })).toContainText(ADMIN.email);
    await expect(page.getByRole("button", { name: /^Roll back/ })).toHaveCount(0);
    await journeyScreenshot(page, testInfo, "accounts-author-workspace");
    await page.context().close();
  });

  test("a publisher publishes", async ({ browser }, testInfo) => {
    const page = await signInAs(browser, people.publisher.email);
    const row = page.getByRole("table", { name: "Rules" }).getByRole("row").filter({ has: page.getByRole("link", { name: ruleName }) });
    await expect(row.getByRole("button", { name: `Archive ${ruleName}` })).toBeVisible();
    await openRule(page, ruleId);
    await page.getByRole("button", { name: "Publish", exact: true }).click();
    const dialog = page.getByRole("dialog", { name: "Publish version" });
    await expect(dialog).toBeVisible();
    await dialog.getByLabel("Message").fill("Published by the publisher");
    await dialog.getByRole("button", { name: /^Publish v2/ }).click();
    await expect(dialog).toBeHidden();
    await expect(page.getByLabel("Live version", { exact: true })).toHaveText("live v2");
    await page.getByRole("tab", { name: "Versions" }).click();
    await expect(page.getByRole("listitem", { name: "Deployment of version 2" })).toContainText(people.publisher.email);
    await expect(page.getByRole("button", { name: "Roll back to version 1" })).toBeVisible();
    await journeyScreenshot(page, testInfo, "accounts-publisher-workspace");
    await page.context().close();
  });

  test("an admin revokes a key, and the audit trail shows the users, the key and the sign-ins", async ({ page }, testInfo) => {
    await page.goto("/keys");
    const form = page.getByRole("form", { name: "Create API key" });
    const keyName = uniqueName("Scoped key");
    await form.getByLabel("Key name").fill(keyName);
    await form.getByLabel("Only these rules").check();
    await form.getByRole("group", { name: "Rules this key may execute" }).getByLabel(ruleName).check();
    await form.getByRole("button", { name: "Create key" }).click();
    await page.getByRole("region", { name: "New API key" }).getByRole("button", { name: "I've stored it" }).click();
    const row = page.getByRole("table", { name: "API keys" }).getByRole("row").filter({ hasText: keyName });
    await expect(row).toContainText(ruleName);
    await expect(row).toContainText(ADMIN.email);
    await row.getByRole("button", { name: `Revoke ${keyName}` }).click();
    await page.getByRole("dialog", { name: "Revoke API key" }).getByRole("button", { name: "Revoke key" }).click();
    await expect(row.getByText("revoked")).toBeVisible();

    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Audit" }).click();
    await expect(page.getByRole("heading", { name: "Audit trail", level: 1 })).toBeVisible();
    const events = page.getByRole("table", { name: "Audit events" });
    // Newest first: the revoke is listed above the key's creation.
    const keyRows = events.getByRole("row").filter({ hasText: keyName });
    await expect(keyRows).toHaveCount(2);
    await expect(keyRows.nth(0)).toContainText("key.revoke");
    await expect(keyRows.nth(1)).toContainText("key.create");

    const filters = page.getByRole("form", { name: "Filter audit events" });
    await filters.getByLabel("Action").selectOption("user.create");
    await filters.getByRole("button", { name: "Apply filters" }).click();
    for (const person of Object.values(people)) await expect(events).toContainText(`created ${person.email} as ${person.role}`);
    await expect(events.getByRole("row").filter({ hasText: "key.revoke" })).toHaveCount(0);

    await filters.getByLabel("Action").selectOption("auth.sign_in");
    await filters.getByLabel("Actor").fill(people.viewer.email);
    await filters.getByRole("button", { name: "Apply filters" }).click();
    await expect(events.getByRole("row").filter({ hasText: "auth.sign_in" })).toHaveCount(1);
    await expect(events).toContainText(people.viewer.email);

    await filters.getByLabel("Actor").fill("");
    await filters.getByLabel("Action").selectOption("deployment.publish");
    await filters.getByLabel("Rule id").fill(ruleId);
    await filters.getByRole("button", { name: "Apply filters" }).click();
    await expect(events.getByRole("row").filter({ hasText: people.publisher.email })).toHaveCount(1);
    await journeyScreenshot(page, testInfo, "accounts-audit");
  });
});
