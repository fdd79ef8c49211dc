"use client";

// The workspace's transient messages: one status line (a save, a publish, why a run did not start)
// that hides itself after a few seconds, and the last few API failures, each kept until dismissed.
// Every other workspace hook reports through these two; workspace-toasts.tsx shows them.
import { useCallback, useEffect, useState } from "react";

const STATUS_VISIBLE_MS = 6000;
const ERRORS_KEPT = 4;

export type WorkspaceError = { id: number; error: unknown };

export function useNotices() {
  const [errors, setErrors] = useState<WorkspaceError[]>([]);
  const [status, setStatus] = useState<string | null>(null);

  const pushError = useCallback((error: unknown) => {
    setErrors((es) => [...es.slice(-(ERRORS_KEPT - 1)), { id: Date.now() + Math.random(), error }]);
  }, []);
  const dismissError = useCallback((id: number) => {
    setErrors((es) => es.filter((x) => x.id !== id));
  }, []);

  useEffect(() => {
    if (!status) return;
    const timer = setTimeout(() => setStatus(null), STATUS_VISIBLE_MS);
    return () => clearTimeout(timer);
  }, [status]);

  return { status, setStatus, errors, pushError, dismissError };
}
