import { test, expect, getSource, cursorPosition, journeyScreenshot, mod, setSource, uniqueName, waitForEditor } from "./fixtures";

const RUNS = `import math

def rule(input, ctx):
    ctx.log("amount is", input["amount"])
    print("country", input["country"])
    return {"rounded": math.floor(input["amount"] / 7)}
`;

const RAISES = `def rule(input, ctx):
    ctx.log("dividing")
    return {"ratio": ratio(input)}


def ratio(data):
    return 1 / data["zero"]
`;

// The first Python run waits for the executor's Python workers (~3 s each to start, in the background).
const FIRST_PYTHON_RUN_MS = 60_000;

test("a Python rule: create it, live policy check, completions, run, traceback, save, execute with an API key", async ({ page, request, baseURL }, testInfo) => {
  const monacoScripts: string[] = [];
  page.on("request", (req) => {
    if (/\/monaco\/vs\/.*python[^/]*\.js$/.test(req.url())) monacoScripts.push(req.url());
  });

  // Create it from the rule list, as a person does.
  await page.goto("/");
  const name = uniqueName("Python rule");
  const form = page.getByRole("form", { name: "Create rule" });
  await form.getByLabel("New rule name").fill(name);
  await form.getByLabel("Language").selectOption("python");
  await form.getByRole("button", { name: "Create rule" }).click();
  const row = page.getByRole("table", { name: "Rules" }).getByRole("row").filter({ has: page.getByRole("link", { name }) });
  await expect(row.getByText("Python", { exact: true })).toBeVisible();
  await row.getByRole("link", { name }).click();
  await waitForEditor(page);
  const ruleId = new URL(page.url()).pathname.split("/").pop()!;

  // The Python starter, highlighted by Monaco's Python tokenizer served from our origin.
  await expect(page.getByLabel("Language", { exact: true })).toHaveValue("python");
  expect(await getSource(page)).toMatch(/^def rule\(input, ctx\):\n/);
  expect(await getSource(page)).toContain('ctx.log("received", input)');
  await expect
    .poll(() =>
      page.evaluate(() => {
        const w = window as unknown as { monaco: { editor: { tokenize(text: string, language: string): { offset: number; type: string }[][] } } };
        return w.monaco.editor.tokenize('def rule(input, ctx):\n    return "x"', "python").map((line) => line.map((t) => t.type));
      }),
    )
    .toEqual([expect.arrayContaining(["keyword.python"]), expect.arrayContaining(["keyword.python", "string.python"])]);
  expect(monacoScripts.length).toBeGreaterThan(0);
  for (const url of monacoScripts) expect(url.startsWith(`${baseURL}/monaco/vs/`), url).toBe(true);

  const problemsTab = page.getByRole("tab", { name: "Problems" });
  await problemsTab.click();
  await expect(page.getByText("No problems.")).toBeVisible();

  // Importing a blocked module is flagged while typing.
  const editor = page.getByTestId("rule-editor");
  await editor.click();
  await page.keyboard.press(`${mod}+Home`);
  await page.keyboard.type("import os");
  await page.keyboard.press("Escape");
  await page.keyboard.press("Enter");
  const problems = page.getByRole("list", { name: "Problems" });
  const blocked = problems.getByRole("button").filter({ hasText: "RB610" }).filter({ hasText: "1:" });
  await expect(blocked).toBeVisible();
  await expect(blocked).toContainText('"os" cannot be imported');
  await expect(editor.locator(".squiggly-error").first()).toBeVisible();
  await journeyScreenshot(page, testInfo, "python-blocked-import");

  // Fixing it clears the marker; the module list is what `import ` completes.
  await page.keyboard.press(`${mod}+Home`);
  await page.keyboard.press("Shift+End");
  await page.keyboard.type("import ");
  const suggestions = page.locator(".suggest-widget");
  await expect(suggestions.getByRole("option", { name: /^decimal\b/ })).toBeVisible();
  await expect(suggestions.getByRole("option", { name: /^os\b/ })).toHaveCount(0);
  await page.keyboard.type("math");
  await page.keyboard.press("Escape");
  await expect(blocked).toHaveCount(0);
  await expect(page.getByText("No problems.")).toBeVisible();
  expect((await getSource(page)).split("\n")[0]).toBe("import math");

  // ctx. completes the run context; Enter accepts the first suggestion.
  await page.keyboard.press(`${mod}+Home`);
  for (let i = 0; i < 3; i++) await page.keyboard.press("ArrowDown");
  await page.keyboard.press("End");
  await page.keyboard.press("Enter");
  await page.keyboard.type("ctx.");
  for (const member of ["log", "now", "rule_id", "version"]) {
    await expect(suggestions.getByRole("option", { name: new RegExp(`^${member}\\b`) })).toBeVisible();
  }
  await journeyScreenshot(page, testInfo, "python-ctx-completion");
  await page.keyboard.press("Enter");
  await expect.poll(async () => (await getSource(page)).split("\n")[4]).toMatch(/^\s+ctx\.log$/);

  // An imported module's members after `math.`.
  await page.keyboard.type("(math.");
  await expect(suggestions.getByRole("option", { name: /^acos\b/ })).toBeVisible();
  await page.keyboard.type("fl");
  await expect(suggestions.getByRole("option", { name: /^floor\b/ })).toBeVisible();
  await page.keyboard.press("Escape");

  // The selected input's keys inside input[" — a key added to the sample input is offered.
  const sample = page.getByRole("group", { name: "Test input Sample" });
  await sample.getByLabel("Input (JSON)").fill('{ "amount": 120, "country": "DE", "zero": 0 }');
  await editor.click();
  await page.keyboard.press(`${mod}+End`);
  await page.keyboard.type('    x = input["');
  // The workspace hands the edited input to the editor after a short debounce: ask again until it
  // has (closing the list first: Ctrl+Space on an open list only toggles its details).
  await expect(async () => {
    await page.keyboard.press("Escape");
    await page.keyboard.press("Control+Space");
    await expect(suggestions.getByRole("option", { name: /"zero"/ })).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 15_000 });
  await expect(suggestions.getByRole("option", { name: /"country"/ })).toBeVisible();
  await page.keyboard.press("Escape");

  // Run it: output and the captured ctx.log and print.
  await setSource(page, RUNS);
  await expect(page.getByText("No problems.")).toBeVisible();
  await page.getByRole("button", { name: "Run", exact: true }).click();
  const result = page.getByTestId("run-result");
  await expect(result.locator("[data-outcome]")).toHaveText("ok", { timeout: FIRST_PYTHON_RUN_MS });
  await expect(result.getByTestId("run-output")).toContainText('"rounded": 17');
  const logs = result.getByRole("list", { name: "Logs" });
  await expect(logs).toContainText("amount is 120");
  await expect(logs).toContainText("country DE");
  await journeyScreenshot(page, testInfo, "python-run-ok");

  // Make it raise: the traceback's frames jump to the rule's own lines.
  await setSource(page, RAISES);
  await editor.click();
  await page.keyboard.press(`${mod}+Enter`);
  await expect(result.locator("[data-outcome]")).toHaveText("error");
  await expect(result.getByText("ZeroDivisionError: division by zero")).toBeVisible();
  await expect(result.getByRole("list", { name: "Logs" })).toContainText("dividing");
  const frames = result.getByRole("list", { name: "Stack frames" });
  const inner = frames.getByRole("button", { name: /^Go to ratio at line 7, column \d+$/ });
  const outer = frames.getByRole("button", { name: /^Go to rule at line 3, column \d+$/ });
  await expect(inner).toBeVisible();
  await expect(outer).toBeVisible();
  await editor.click();
  await page.keyboard.press(`${mod}+Home`);
  expect((await cursorPosition(page))?.lineNumber).toBe(1);
  await inner.click();
  await expect.poll(async () => (await cursorPosition(page))?.lineNumber).toBe(7);
  await expect(page.locator(".rb-highlight-line")).toHaveCount(1);
  await journeyScreenshot(page, testInfo, "python-traceback-jump");
  await outer.click();
  await expect.poll(async () => (await cursorPosition(page))?.lineNumber).toBe(3);

  // Save it as version 2.
  await editor.click();
  await page.keyboard.press(`${mod}+s`);
  const dialog = page.getByRole("dialog", { name: "Save version" });
  await expect(dialog.getByRole("heading", { name: "Save version 2" })).toBeVisible();
  await expect(dialog).toContainText("saved as Python");
  await dialog.getByLabel("Message").fill("Divide by the input's zero");
  await dialog.getByLabel("Message").press("Enter");
  await expect(dialog).toBeHidden();
  await expect(page.getByText("Saved as v2")).toBeVisible();

  // Another system calls the saved version with an API key.
  const created = await request.post("/api/keys", { data: { name: uniqueName("Python caller") } });
  expect(created.status(), await created.text()).toBe(201);
  const { secret } = (await created.json()) as { secret: string };
  const execute = (input: unknown) =>
    request.post(`/api/rules/${ruleId}/execute`, { data: { input, version: 2 }, headers: { authorization: `Bearer ${secret}` } });
  const ok = await execute({ zero: 4 });
  expect(ok.status(), await ok.text()).toBe(200);
  expect(await ok.json()).toMatchObject({ outcome: "ok", output: { ratio: 0.25 }, logs: [expect.objectContaining({ message: "dividing" })] });
  // The rule's failure is the run's outcome, not an HTTP error.
  const failed = await execute({ zero: 0 });
  expect(failed.status(), await failed.text()).toBe(200);
  expect(await failed.json()).toMatchObject({ outcome: "error", error: { name: "ZeroDivisionError", frames: expect.arrayContaining([expect.objectContaining({ line: 7 })]) } });
});
