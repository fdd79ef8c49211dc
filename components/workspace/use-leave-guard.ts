"use client";

// Unsaved work (the editor's or a test input's) is not left without asking: the browser's own
// prompt on closing or reloading the tab, and a confirmation before the workspace's own ways out
// (the Rulebox link, signing out).
import { useCallback, useEffect } from "react";

/** Returns `confirmLeave(question)`: true when there is nothing to lose or the person agreed. */
export function useLeaveGuard(unsaved: boolean): (question: string) => boolean {
  useEffect(() => {
    if (!unsaved) return;
    const onBeforeUnload = (e: BeforeUnloadEvent) => {
      e.preventDefault();
      e.returnValue = "";
    };
    window.addEventListener("beforeunload", onBeforeUnload);
    return () => window.removeEventListener("beforeunload", onBeforeUnload);
  }, [unsaved]);

  return useCallback((question: string) => !unsaved || window.confirm(question), [unsaved]);
}
