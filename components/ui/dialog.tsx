"use client";

// A modal on the native <dialog> element: focus trapping, Escape to close and the inert
// background come from the browser.
import { useEffect, useRef, type ReactNode } from "react";

export function Dialog(props: { open: boolean; onClose: () => void; title: string; wide?: boolean; children: ReactNode }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (props.open && !dialog.open) dialog.showModal();
    if (!props.open && dialog.open) dialog.close();
  }, [props.open]);
  return (
    <dialog
      ref={ref}
      className={`rb-dialog ${props.wide ? "rb-dialog-wide" : ""}`}
      aria-label={props.title}
      onClose={props.onClose}
      onCancel={(e) => {
        e.preventDefault();
        props.onClose();
      }}
    >
      {props.open && props.children}
    </dialog>
  );
}
