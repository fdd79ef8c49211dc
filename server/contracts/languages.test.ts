import { describe, expect, it } from "vitest";
import { checkLanguageEnabled, enabledLanguages, LanguageDisabledError, pythonRulesEnabled } from "./languages";

describe("RULEBOX_PYTHON_RULES", () => {
  it("is off unless set to on", () => {
    expect(pythonRulesEnabled({})).toBe(false);
    expect(pythonRulesEnabled({ RULEBOX_PYTHON_RULES: "" })).toBe(false);
    expect(pythonRulesEnabled({ RULEBOX_PYTHON_RULES: "off" })).toBe(false);
    expect(pythonRulesEnabled({ RULEBOX_PYTHON_RULES: "on" })).toBe(true);
    expect(enabledLanguages({})).toEqual(["typescript", "javascript"]);
    expect(enabledLanguages({ RULEBOX_PYTHON_RULES: "on" })).toEqual(["typescript", "javascript", "python"]);
  });

  it("refuses a value it does not understand, naming it", () => {
    expect(() => pythonRulesEnabled({ RULEBOX_PYTHON_RULES: "yes" })).toThrow('RULEBOX_PYTHON_RULES must be "on" or "off", got "yes"');
  });

  it("refuses Python only, and only when off", () => {
    expect(() => checkLanguageEnabled("python", {})).toThrow(LanguageDisabledError);
    expect(() => checkLanguageEnabled("python", { RULEBOX_PYTHON_RULES: "on" })).not.toThrow();
    for (const language of ["javascript", "typescript"] as const) expect(() => checkLanguageEnabled(language, {})).not.toThrow();
  });
});
