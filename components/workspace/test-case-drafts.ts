// Editable test inputs: the JSON text the author is typing, whether it parses, and whether it
// differs from what is stored. Pure helpers, unit-tested.
import { isDeepStrictEqualJson } from "./json-equal";

export type CaseDraft = {
  /** Stable React key; equals the stored id once saved. */
  key: string;
  id: string | null;
  name: string;
  inputText: string;
  expectEnabled: boolean;
  expectedText: string;
  /** Snapshot of the stored case, to tell whether there are unsaved edits. */
  stored: { name: string; inputText: string; expectEnabled: boolean; expectedText: string } | null;
};

export type StoredCase = { id: string; name: string; input: unknown; expectedOutput?: unknown; hasExpectedOutput: boolean };

export type JsonParse = { ok: true; value: unknown } | { ok: false; message: string };

export function parseJsonText(text: string): JsonParse {
  if (text.trim() === "") return { ok: false, message: "Enter a JSON value (for example {} or null)." };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (err) {
    return { ok: false, message: err instanceof Error ? err.message : "Invalid JSON" };
  }
}

export function prettyJson(value: unknown): string {
  return JSON.stringify(value, null, 2) ?? "null";
}

export function draftFromStored(c: StoredCase): CaseDraft {
  const snapshot = {
    name: c.name,
    inputText: prettyJson(c.input),
    expectEnabled: c.hasExpectedOutput,
    expectedText: c.hasExpectedOutput ? prettyJson(c.expectedOutput) : "",
  };
  return { key: c.id, id: c.id, ...snapshot, stored: snapshot };
}

export function isDraftDirty(d: CaseDraft): boolean {
  if (!d.stored) return true;
  return (
    d.name !== d.stored.name ||
    d.inputText !== d.stored.inputText ||
    d.expectEnabled !== d.stored.expectEnabled ||
    (d.expectEnabled && d.expectedText !== d.stored.expectedText)
  );
}

export type DraftValidation = { input: JsonParse; expected: JsonParse | null; nameError: string | null };

export function validateDraft(d: CaseDraft): DraftValidation {
  return {
    input: parseJsonText(d.inputText),
    expected: d.expectEnabled ? parseJsonText(d.expectedText) : null,
    nameError: d.name.trim() === "" ? "Name the input." : null,
  };
}

export function canSaveDraft(v: DraftValidation): boolean {
  return v.input.ok && (v.expected === null || v.expected.ok) && v.nameError === null;
}

export type CaseVerdict = "pass" | "fail" | "ran";

/** A case passes when the run ended `ok` and its output deep-equals the expectation (JSON semantics). */
export function judgeCase(outcome: string, output: unknown, expected: JsonParse | null): CaseVerdict {
  if (expected === null || !expected.ok) return "ran";
  return outcome === "ok" && isDeepStrictEqualJson(output, expected.value) ? "pass" : "fail";
}
