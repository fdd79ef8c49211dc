"use client";

// The working copy's language: TypeScript, JavaScript or Python (disabled for a role that reads
// rules only). Changing it changes the working copy; the next save records it.
import type { Language } from "@/server/contracts/run";
import { LanguageOptions } from "@/components/lib/languages";

export function LanguagePicker(props: { language: Language; disabled: boolean; onChange: (language: Language) => void }) {
  return (
    <label className="rb-row" style={{ gap: 6 }}>
      <span className="visually-hidden">Language</span>
      <select className="rb-select" aria-label="Language" value={props.language} disabled={props.disabled} onChange={(e) => props.onChange(e.target.value as Language)}>
        <LanguageOptions />
      </select>
    </label>
  );
}
