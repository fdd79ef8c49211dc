// Monaco's side of python-completions.ts: one completion and one hover provider for language
// "python" only (JavaScript and TypeScript keep their TypeScript service untouched), and the
// sample input they complete `input[` from, which the workspace sets as the selected input changes.
import type * as MonacoNs from "monaco-editor";
import { pythonCompletions, pythonHover, type PythonCompletionKind } from "./python-completions";

type Monaco = typeof MonacoNs;

let sampleInput: unknown = {};
let registered = false;

/** The selected test input, whose keys `input["` completes in Python rules. */
export function setPythonInputSample(sample: unknown): void {
  sampleInput = sample;
}

function completionKind(monaco: Monaco, kind: PythonCompletionKind): MonacoNs.languages.CompletionItemKind {
  const kinds = monaco.languages.CompletionItemKind;
  switch (kind) {
    case "module":
      return kinds.Module;
    case "function":
      return kinds.Function;
    case "class":
      return kinds.Class;
    case "constant":
      return kinds.Constant;
    case "method":
      return kinds.Method;
    case "property":
      return kinds.Property;
    case "key":
      return kinds.Field;
  }
}

/** Registers the Python providers once per page (Monaco's registries are global). */
export function registerPythonLanguage(monaco: Monaco): void {
  if (registered) return;
  registered = true;
  monaco.languages.registerCompletionItemProvider("python", {
    // Space for `import ` and `from m import `; quotes for `input["`.
    triggerCharacters: [".", " ", "[", "(", '"', "'", ","],
    provideCompletionItems(model, position) {
      const before = model.getValueInRange({ startLineNumber: 1, startColumn: 1, endLineNumber: position.lineNumber, endColumn: position.column });
      const result = pythonCompletions(before, sampleInput, model.getValue());
      if (!result) return { suggestions: [] };
      const range = new monaco.Range(position.lineNumber, position.column - result.replaceLength, position.lineNumber, position.column);
      return {
        suggestions: result.items.map((item) => ({
          label: item.label,
          kind: completionKind(monaco, item.kind),
          detail: item.detail,
          documentation: item.documentation ? { value: item.documentation } : undefined,
          insertText: item.insertText ?? item.label,
          filterText: item.filterText,
          range,
        })),
      };
    },
  });
  monaco.languages.registerHoverProvider("python", {
    provideHover(model, position) {
      const hover = pythonHover(model.getValue(), position.lineNumber, position.column);
      if (!hover) return null;
      const word = model.getWordAtPosition(position);
      return {
        range: word ? new monaco.Range(position.lineNumber, word.startColumn, position.lineNumber, word.endColumn) : undefined,
        contents: [{ value: `\`${hover.title}\`` }, ...(hover.documentation ? [{ value: hover.documentation }] : [])],
      };
    },
  });
}
