import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { callBody, callSnippet, callUrl, toPython, type CallTarget } from "./call-snippets";

const target: CallTarget = { baseUrl: "http://127.0.0.1:3000", ruleId: "r1", input: { amount: 120, country: "DE", note: "it's \"quoted\"", tags: [], ok: true, gone: null } };

describe("call snippets", () => {
  it("aim at the execute and batch routes with the rule's id", () => {
    expect(callUrl(target, "execute")).toBe("http://127.0.0.1:3000/api/rules/r1/execute");
    expect(callUrl(target, "batch")).toBe("http://127.0.0.1:3000/api/rules/r1/execute/batch");
    expect(callBody(target, "batch")).toEqual({ inputs: [target.input] });
  });

  it("curl sends the body through a quoted heredoc, so quotes in the input need no escaping", () => {
    const curl = callSnippet(target, "execute", "curl");
    expect(curl).toContain('-H "Authorization: Bearer $RULEBOX_API_KEY"');
    const body = curl.slice(curl.indexOf("<<'JSON'\n") + 9, curl.lastIndexOf("\nJSON"));
    expect(JSON.parse(body)).toEqual({ input: target.input });
  });

  it("curl's body is what bash hands to curl", () => {
    const curl = callSnippet(target, "batch", "curl").replace(/^curl [^]*?--data-binary @- /, "cat ");
    expect(JSON.parse(execFileSync("bash", ["-c", curl], { encoding: "utf8" }))).toEqual({ inputs: [target.input] });
  });

  it("JavaScript types the input from the sample and reads the key from the environment", () => {
    const js = callSnippet(target, "execute", "javascript");
    expect(js).toContain("amount: number;");
    expect(js).toContain("process.env.RULEBOX_API_KEY");
    expect(js).toContain("body: JSON.stringify({ input })");
  });

  it("Python writes the input as a literal (True, None) and posts it as json=", () => {
    expect(toPython({ a: [1, "x"], b: true, c: null })).toBe('{\n    "a": [\n        1,\n        "x",\n    ],\n    "b": True,\n    "c": None,\n}');
    const py = callSnippet(target, "batch", "python");
    expect(py).toContain('json={"inputs": [rule_input]}');
    expect(py).toContain("os.environ['RULEBOX_API_KEY']");
  });
});
