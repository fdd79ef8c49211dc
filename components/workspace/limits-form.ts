// Parsing and checking the limits form: empty means "server default", values above a cap are refused.
import type { Limits, LimitsInput } from "@/server/contracts/run";
import { formatBytes } from "@/components/lib/format";

export type LimitKey = keyof Limits;

export const LIMIT_FIELDS: { key: LimitKey; label: string; unit: string; format: (n: number) => string }[] = [
  { key: "timeoutMs", label: "Timeout", unit: "ms", format: (n) => `${n} ms` },
  { key: "memoryMb", label: "Memory", unit: "MB", format: (n) => `${n} MB` },
  { key: "maxOutputBytes", label: "Max output", unit: "bytes", format: formatBytes },
  { key: "maxLogBytes", label: "Max logs", unit: "bytes", format: formatBytes },
];

/** Validates the typed limits against the caps; empty means "use the server default". */
export function validateLimits(text: Record<LimitKey, string>, caps: Limits | null): { limits: LimitsInput; errors: Partial<Record<LimitKey, string>> } {
  const limits: LimitsInput = {};
  const errors: Partial<Record<LimitKey, string>> = {};
  for (const f of LIMIT_FIELDS) {
    const raw = text[f.key].trim();
    if (raw === "") continue;
    const n = Number(raw);
    if (!/^\d+$/.test(raw) || !Number.isSafeInteger(n) || n <= 0) errors[f.key] = `${f.label} must be a whole number above 0.`;
    else if (caps && n > caps[f.key]) errors[f.key] = `${f.label} cannot exceed the server cap of ${f.format(caps[f.key])}.`;
    else limits[f.key] = n;
  }
  return { limits, errors };
}

