// The editor's unsaved working copy, kept in the browser per rule, so leaving the page (Back, a
// closed tab, a crash) does not lose it: the workspace offers it again on the next visit. A save
// or a restore clears it. Storage failures (private mode, quota) only disable the feature.
import { z } from "zod";
import { languageSchema } from "@/server/contracts/run";

const KEY_PREFIX = "rulebox:working-copy:";

const storedSchema = z.object({
  source: z.string(),
  language: languageSchema,
  /** The saved version the edits started from (null: none saved yet). */
  baseVersion: z.number().int().nullable(),
  savedAt: z.number(),
});
export type StoredWorkingCopy = z.infer<typeof storedSchema>;

type StorageLike = Pick<Storage, "getItem" | "setItem" | "removeItem">;

function storage(): StorageLike | null {
  try {
    return typeof window === "undefined" ? null : window.localStorage;
  } catch {
    return null;
  }
}

export function readWorkingCopy(ruleId: string, store: StorageLike | null = storage()): StoredWorkingCopy | null {
  try {
    const text = store?.getItem(KEY_PREFIX + ruleId);
    if (!text) return null;
    const parsed = storedSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export function writeWorkingCopy(ruleId: string, copy: StoredWorkingCopy, store: StorageLike | null = storage()): void {
  try {
    store?.setItem(KEY_PREFIX + ruleId, JSON.stringify(copy));
  } catch {
    // quota or disabled storage: nothing to keep
  }
}

export function clearWorkingCopy(ruleId: string, store: StorageLike | null = storage()): void {
  try {
    store?.removeItem(KEY_PREFIX + ruleId);
  } catch {
    // disabled storage
  }
}
