"use client";

// The rule languages this server runs, handed to the browser by the page (server/contracts/
// languages.ts decides; RULEBOX_PYTHON_RULES=off takes Python away). The pickers offer every
// language and mark the ones turned off, so a Python rule on such a server still shows what it is;
// the API refuses them (409 language_disabled) whatever the browser does.
import { createContext, useContext, type ReactNode } from "react";
import type { Language } from "@/server/contracts/run";

export const LANGUAGE_OPTIONS: readonly { value: Language; label: string }[] = [
  { value: "typescript", label: "TypeScript" },
  { value: "javascript", label: "JavaScript" },
  { value: "python", label: "Python" },
];

const LanguagesContext = createContext<readonly Language[]>(LANGUAGE_OPTIONS.map((o) => o.value));

export function LanguagesProvider({ languages, children }: { languages: readonly Language[]; children: ReactNode }) {
  return <LanguagesContext.Provider value={languages}>{children}</LanguagesContext.Provider>;
}

/** The languages this server runs. */
export function useEnabledLanguages(): readonly Language[] {
  return useContext(LanguagesContext);
}

/** The <option>s of a language <select>: languages turned off here are shown, disabled. */
export function LanguageOptions() {
  const enabled = useEnabledLanguages();
  return (
    <>
      {LANGUAGE_OPTIONS.map(({ value, label }) => (
        <option key={value} value={value} disabled={!enabled.includes(value)} title={enabled.includes(value) ? undefined : `${label} rules are turned off on this server (RULEBOX_PYTHON_RULES=on turns them on)`}>
          {enabled.includes(value) ? label : `${label} (off)`}
        </option>
      ))}
    </>
  );
}
