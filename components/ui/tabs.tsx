"use client";

// WAI-ARIA tabs: arrow keys move between tabs, Home/End jump to the ends.
import { useId, useRef, type KeyboardEvent, type ReactNode } from "react";

export type TabSpec<K extends string> = { key: K; label: ReactNode; name: string };

export function Tabs<K extends string>(props: {
  label: string;
  tabs: TabSpec<K>[];
  active: K;
  onChange: (key: K) => void;
  children: ReactNode;
  className?: string;
}) {
  const id = useId();
  const refs = useRef(new Map<K, HTMLButtonElement | null>());
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const index = props.tabs.findIndex((t) => t.key === props.active);
    let next = -1;
    if (e.key === "ArrowRight") next = (index + 1) % props.tabs.length;
    else if (e.key === "ArrowLeft") next = (index - 1 + props.tabs.length) % props.tabs.length;
    else if (e.key === "Home") next = 0;
    else if (e.key === "End") next = props.tabs.length - 1;
    if (next < 0) return;
    e.preventDefault();
    const key = props.tabs[next]!.key;
    props.onChange(key);
    refs.current.get(key)?.focus();
  };
  return (
    <section className={`rb-panel ${props.className ?? ""}`} aria-label={props.label}>
      <div role="tablist" aria-label={props.label} className="rb-tabs" onKeyDown={onKeyDown}>
        {props.tabs.map((t) => (
          <button
            key={t.key}
            ref={(el) => {
              refs.current.set(t.key, el);
            }}
            type="button"
            role="tab"
            id={`${id}-tab-${t.key}`}
            aria-controls={`${id}-panel`}
            aria-selected={t.key === props.active}
            aria-label={t.name}
            tabIndex={t.key === props.active ? 0 : -1}
            className="rb-tab"
            onClick={() => props.onChange(t.key)}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`${id}-panel`} aria-labelledby={`${id}-tab-${props.active}`} className="rb-tabpanel" tabIndex={0}>
        {props.children}
      </div>
    </section>
  );
}
