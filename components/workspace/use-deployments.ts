"use client";

// The rule's live version and its deployment timeline, for the workspace: load, publish, roll back
// (publishing an earlier version). The server decides; this mirrors what it answered.
import { useCallback, useEffect, useState } from "react";
import { api, type Deployment } from "@/components/lib/api-client";

export interface DeploymentsState {
  /** The live version; null when never published; undefined until known. */
  published: number | null;
  deployments: Deployment[] | null;
  publishing: boolean;
  reload(): Promise<void>;
  /** Publishes `version`; resolves true when it went live. */
  publish(version: number, message: string): Promise<boolean>;
}

export function useDeployments(ruleId: string, initialPublished: number | null, onError: (error: unknown) => void): DeploymentsState {
  const [published, setPublished] = useState<number | null>(initialPublished);
  const [deployments, setDeployments] = useState<Deployment[] | null>(null);
  const [publishing, setPublishing] = useState(false);

  const reload = useCallback(async () => {
    try {
      const answer = await api.listDeployments(ruleId);
      setPublished(answer.publishedVersion);
      setDeployments(answer.deployments);
    } catch (err) {
      onError(err);
    }
  }, [ruleId, onError]);
  useEffect(() => {
    void reload();
  }, [reload]);

  const publish = useCallback(
    async (version: number, message: string) => {
      setPublishing(true);
      try {
        await api.publish(ruleId, { version, message });
        setPublished(version);
        await reload();
        return true;
      } catch (err) {
        onError(err);
        // Someone else may have moved it meanwhile: show what is live now.
        await reload();
        return false;
      } finally {
        setPublishing(false);
      }
    },
    [ruleId, onError, reload],
  );

  return { published, deployments, publishing, reload, publish };
}
