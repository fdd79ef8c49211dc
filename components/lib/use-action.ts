"use client";

// One place for the pending/error bookkeeping around a user action (create, rename, save…).
import { useCallback, useState } from "react";

/**
 * Returns `[pending, perform]`: `perform(action)` marks the action pending, clears the previous
 * error through `onError(null)`, reports a thrown error through `onError(err)`, and always ends
 * the pending state. Its promise never rejects.
 */
export function useAction(onError: (err: unknown) => void): [boolean, (action: () => Promise<void>) => Promise<void>] {
  const [pending, setPending] = useState(false);
  const perform = useCallback(
    async (action: () => Promise<void>) => {
      setPending(true);
      onError(null);
      try {
        await action();
      } catch (err) {
        onError(err);
      } finally {
        setPending(false);
      }
    },
    [onError],
  );
  return [pending, perform];
}
