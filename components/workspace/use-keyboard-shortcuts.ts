"use client";

// The workspace's keyboard: Ctrl+Enter runs and Ctrl+S opens the Save dialog (⌘ on a Mac), from
// anywhere on the page, the editor included; Escape closes what covers the editor unless a dialog
// is open (the dialog takes it). A blocked shortcut does nothing, as the disabled button would.
import { useEffect, useRef } from "react";

export function isMac(): boolean {
  return typeof navigator !== "undefined" && /Mac|iPhone|iPad/.test(navigator.platform);
}

export function useKeyboardShortcuts(opts: {
  onRun: () => void;
  /** A run in flight, an open dialog, or a role that does not run rules. */
  runBlocked: boolean;
  onSave: () => void;
  /** An archived rule, or a role that does not edit rules. */
  saveBlocked: boolean;
  overlayOpen: boolean;
  onEscape: () => void;
  /** A dialog is open above the overlay. */
  escapeBlocked: boolean;
}) {
  const { overlayOpen, onEscape, escapeBlocked } = opts;
  const runRef = useRef(opts.onRun);
  runRef.current = opts.onRun;
  const runBlockedRef = useRef(opts.runBlocked);
  runBlockedRef.current = opts.runBlocked;
  const saveRef = useRef(opts.onSave);
  saveRef.current = opts.onSave;
  const saveBlockedRef = useRef(opts.saveBlocked);
  saveBlockedRef.current = opts.saveBlocked;

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const mod = isMac() ? e.metaKey : e.ctrlKey;
      if (!mod || e.altKey) return;
      if (e.key === "Enter") {
        e.preventDefault();
        e.stopPropagation();
        if (!runBlockedRef.current) runRef.current();
      } else if (e.key.toLowerCase() === "s" && !e.shiftKey) {
        e.preventDefault();
        e.stopPropagation();
        if (!saveBlockedRef.current) saveRef.current();
      }
    };
    // Capture phase: handled before Monaco's own keybindings (Ctrl+Enter would insert a line).
    window.addEventListener("keydown", onKey, true);
    return () => window.removeEventListener("keydown", onKey, true);
  }, []);

  useEffect(() => {
    if (!overlayOpen) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape" && !escapeBlocked) onEscape();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [overlayOpen, escapeBlocked, onEscape]);
}
