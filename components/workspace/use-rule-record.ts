"use client";

// The rule's own record as the workspace knows it: name, description and limits (changed in the
// Settings tab) and whether it is archived, with restoring an archived rule. Its versions and
// working copy are elsewhere (use-versions.ts, use-working-copy.ts).
import { useCallback, useState } from "react";
import type { LimitsInput } from "@/server/contracts/run";
import { api } from "@/components/lib/api-client";
import type { WorkspaceRule } from "./workspace";

export function useRuleRecord(initialRule: WorkspaceRule, opts: { setStatus: (status: string) => void; pushError: (error: unknown) => void }) {
  const { setStatus, pushError } = opts;
  const [rule, setRule] = useState(initialRule);
  const [unarchiving, setUnarchiving] = useState(false);

  const applySettings = useCallback((s: { name: string; description: string; limits: LimitsInput }) => setRule((r) => ({ ...r, ...s })), []);

  const unarchive = useCallback(async () => {
    setUnarchiving(true);
    try {
      await api.restoreRule(rule.id);
      setRule((r) => ({ ...r, archived: false }));
      setStatus("Restored the rule: it takes new versions again.");
    } catch (err) {
      pushError(err);
    } finally {
      setUnarchiving(false);
    }
  }, [rule.id, setStatus, pushError]);

  return { rule, applySettings, unarchive, unarchiving };
}
