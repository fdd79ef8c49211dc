"use client";

// Back/Forward show the page as the browser cached it, possibly before a save made here or
// elsewhere: this compares the page's fingerprint with the server once on mount and reloads the
// page's data when it moved on (the page keys the workspace by the fingerprint, so it remounts with
// the latest version). Failing to ask changes nothing.
import { useRouter } from "next/navigation";
import { useEffect } from "react";
import { api } from "@/components/lib/api-client";
import { workspaceFingerprint } from "./fingerprint";

export function useRuleFreshness(ruleId: string, fingerprint: string): void {
  const router = useRouter();
  useEffect(() => {
    let cancelled = false;
    void (async () => {
      try {
        const [{ rule: fresh }, { testCases: cases }] = await Promise.all([api.getRule(ruleId), api.listTestCases(ruleId)]);
        if (cancelled) return;
        const now = workspaceFingerprint({ latestVersion: fresh.latestVersion?.number ?? null, archived: fresh.archived, testCases: cases.map((c) => ({ id: c.id, updatedAt: c.updatedAt })) });
        if (now !== fingerprint) router.refresh();
      } catch {
        // Offline or gone: the page as shown stays usable; the next request reports the error.
      }
    })();
    return () => {
      cancelled = true;
    };
  }, [ruleId, fingerprint, router]);
}
