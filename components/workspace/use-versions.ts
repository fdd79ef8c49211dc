"use client";

// The rule's saved versions, newest first, as the Versions tab, the Publish dialog and the header
// show them: loaded on mount and reloaded after every save or restore (null until the first answer).
import { useCallback, useEffect, useState } from "react";
import { api, type VersionSummary } from "@/components/lib/api-client";

export function useVersions(ruleId: string, onError: (error: unknown) => void) {
  const [versions, setVersions] = useState<VersionSummary[] | null>(null);
  const loadVersions = useCallback(async () => {
    try {
      setVersions((await api.listVersions(ruleId)).versions);
    } catch (err) {
      onError(err);
    }
  }, [ruleId, onError]);
  useEffect(() => {
    void loadVersions();
  }, [loadVersions]);
  return { versions, loadVersions };
}
