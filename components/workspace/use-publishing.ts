"use client";

// Publishing from the workspace: the Publish dialog's open state, publishing a version from it and
// rolling back to an earlier one (after a confirmation), each reported in the status line. What is
// live and the deployment timeline come from use-deployments.ts.
import { useCallback, useState } from "react";
import { useDeployments } from "./use-deployments";

export function usePublishing(opts: { ruleId: string; publishedVersion: number | null; setStatus: (status: string) => void; pushError: (error: unknown) => void }) {
  const { setStatus } = opts;
  const deployments = useDeployments(opts.ruleId, opts.publishedVersion, opts.pushError);
  const [publishOpen, setPublishOpen] = useState(false);
  const openPublishDialog = useCallback(() => setPublishOpen(true), []);
  const closePublishDialog = useCallback(() => setPublishOpen(false), []);

  const publishVersion = useCallback(
    async (version: number, message: string) => {
      if (await deployments.publish(version, message)) {
        setPublishOpen(false);
        setStatus(`Published version ${version}: it is live for callers now.`);
      }
    },
    [deployments, setStatus],
  );
  const rollBack = useCallback(
    async (version: number) => {
      if (!window.confirm(`Roll back: publish v${version} again? Callers get it at once.`)) return;
      if (await deployments.publish(version, `Roll back to v${version}`)) setStatus(`Rolled back: version ${version} is live again.`);
    },
    [deployments, setStatus],
  );

  return { deployments, publishOpen, openPublishDialog, closePublishDialog, publishVersion, rollBack };
}
