// Shared journey fixtures: every test fails on a console error, an uncaught page error, or a
// request leaving the app's origin; helpers create rules through the API and drive Monaco.
// Journeys run signed in as the first admin (storageState from the setup project) unless they
// open a context of their own to sign in as someone else.
import { test as base, expect, type APIRequestContext, type Page, type TestInfo } from "@playwright/test";
import fs from "node:fs";
import path from "node:path";

export const SCREENSHOT_DIR = path.join("test-results", "journeys");

export { ADMIN, adminStatePath } from "./admin-state";

type Guard = {
  consoleErrors: string[];
  foreignRequests: string[];
  /** Tolerate console errors matching this pattern (e.g. the browser's log of an expected HTTP 409). */
  allow(pattern: RegExp): void;
};

export const test = base.extend<{ guard: Guard }>({
  guard: [
    async ({ page, baseURL }, use) => {
      const origin = new URL(baseURL!).origin;
      const allowed: RegExp[] = [];
      const guard: Guard = { consoleErrors: [], foreignRequests: [], allow: (p) => void allowed.push(p) };
      page.on("console", (msg) => {
        if (msg.type() === "error") guard.consoleErrors.push(msg.text());
      });
      page.on("pageerror", (err) => guard.consoleErrors.push(`pageerror: ${err.message}`));
      page.on("request", (req) => {
        const url = req.url();
        if (url.startsWith("data:") || url.startsWith("blob:")) return;
        if (new URL(url).origin !== origin) guard.foreignRequests.push(url);
      });
      await use(guard);
      expect(guard.foreignRequests, "requests outside the app's origin").toEqual([]);
      expect(guard.consoleErrors.filter((m) => !allowed.some((p) => p.test(m))), "console errors during the journey").toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };

let counter = 0;
/** A rule name unique across workers and runs. */
export function uniqueName(prefix: string): string {
  counter += 1;
  return `${prefix} ${process.pid}-${Date.now().toString(36)}-${counter}`;
}

export async function createRuleViaApi(
  request: APIRequestContext,
  body: { name: string; language: "javascript" | "typescript" | "python"; source?: string; sampleInput?: unknown },
): Promise<string> {
  const res = await request.post("/api/rules", { data: { message: "Created by e2e", ...body } });
  expect(res.status(), await res.text()).toBe(201);
  const json = (await res.json()) as { rule: { id: string } };
  return json.rule.id;
}

export async function waitForEditor(page: Page): Promise<void> {
  // Monaco is a few MB of script; on a loaded 2-core machine its first evaluation can take a while.
  await expect(page.getByTestId("rule-editor")).toHaveAttribute("data-ready", "true", { timeout: 45_000 });
}

export async function openRule(page: Page, id: string): Promise<void> {
  await page.goto(`/rules/${id}`);
  await waitForEditor(page);
}

/** Opens a rule from the home list by a client-side link, as a user does (Back then uses the router's cache). */
export async function openRuleFromList(page: Page, name: string): Promise<void> {
  await page.goto("/");
  await page.getByLabel("Search rules").fill(name);
  await page.getByRole("link", { name }).click();
  await waitForEditor(page);
}

/** Replaces the editor's text through Monaco's model (setup only; journeys that test typing type). */
export async function setSource(page: Page, text: string): Promise<void> {
  await page.evaluate((value) => {
    const w = window as unknown as { monaco: { editor: { getModels(): { uri: { toString(): string }; setValue(v: string): void }[] } } };
    const model = w.monaco.editor.getModels().find((m) => /^file:\/\/\/rule\.(ts|js|py)$/.test(m.uri.toString()));
    if (!model) throw new Error("rule model not found");
    model.setValue(value);
  }, text);
}

export async function getSource(page: Page): Promise<string> {
  return page.evaluate(() => {
    const w = window as unknown as { monaco: { editor: { getModels(): { uri: { toString(): string }; getValue(): string }[] } } };
    const model = w.monaco.editor.getModels().find((m) => /^file:\/\/\/rule\.(ts|js|py)$/.test(m.uri.toString()));
    return model ? model.getValue() : "";
  });
}

export async function cursorPosition(page: Page): Promise<{ lineNumber: number; column: number } | null> {
  return page.evaluate(() => {
    const w = window as unknown as { monaco: { editor: { getEditors(): { getModel(): { uri: { toString(): string } } | null; getPosition(): { lineNumber: number; column: number } | null }[] } } };
    const editor = w.monaco.editor.getEditors().find((e) => /^file:\/\/\/rule\.(ts|js|py)$/.test(e.getModel()?.uri.toString() ?? ""));
    const p = editor?.getPosition();
    return p ? { lineNumber: p.lineNumber, column: p.column } : null;
  });
}

/** Saves the journey's screenshot under test-results/journeys/<name>.png and attaches it to the report. */
export async function journeyScreenshot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file });
  await testInfo.attach(name, { path: file, contentType: "image/png" });
}

export const mod = process.platform === "darwin" ? "Meta" : "Control";
