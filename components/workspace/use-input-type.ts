"use client";

// IntelliSense for `input`: the selected test input, while it parses as JSON, becomes the rule's
// input type in Monaco (TypeScript/JavaScript) and the Python completions' sample, debounced while
// the author types. Invalid JSON keeps the last type that was applied.
import { useCallback, useEffect, useRef } from "react";
import { setRuleInputType, type Monaco } from "@/components/editor/monaco-setup";
import { typeFromJson } from "@/components/editor/json-to-type";
import { setPythonInputSample } from "@/components/editor/python-language";
import { parseJsonText } from "./test-case-drafts";

const INPUT_TYPE_DEBOUNCE_MS = 300;

/** Returns the editor's `onMonaco` callback, which applies the input at hand once Monaco is loaded. */
export function useInputType(selectedInputText: string): (monaco: Monaco) => void {
  const monacoRef = useRef<Monaco | null>(null);
  const applyInputType = useCallback((text: string) => {
    const monaco = monacoRef.current;
    if (!monaco) return;
    const parsed = parseJsonText(text);
    if (!parsed.ok) return;
    setRuleInputType(monaco, typeFromJson(parsed.value));
    setPythonInputSample(parsed.value);
  }, []);
  useEffect(() => {
    const timer = setTimeout(() => applyInputType(selectedInputText), INPUT_TYPE_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [selectedInputText, applyInputType]);

  return useCallback(
    (monaco: Monaco) => {
      monacoRef.current = monaco;
      applyInputType(selectedInputText);
    },
    // Only the first mount matters; later input changes go through the debounced effect.
    [],
  );
}
