"use client";

// Relative times ("3 min ago") need the viewer's clock and locale, which the server does not have:
// the server renders a stable UTC timestamp and the client swaps in the relative text after hydration.
import { useEffect, useState, useSyncExternalStore } from "react";

const subscribeNever = () => () => {};

function useHydrated(): boolean {
  return useSyncExternalStore(subscribeNever, () => true, () => false);
}

function formatUtc(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ["year", 365 * 24 * 3600],
  ["month", 30 * 24 * 3600],
  ["week", 7 * 24 * 3600],
  ["day", 24 * 3600],
  ["hour", 3600],
  ["minute", 60],
];

export function formatRelative(date: Date, now: number): string {
  const seconds = Math.round((date.getTime() - now) / 1000);
  if (Math.abs(seconds) < 45) return "just now";
  const rtf = new Intl.RelativeTimeFormat(undefined, { numeric: "auto", style: "short" });
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size || unit === "minute") return rtf.format(Math.round(seconds / size), unit);
  }
  return rtf.format(seconds, "second");
}

export function TimeAgo({ iso }: { iso: string }) {
  const hydrated = useHydrated();
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(timer);
  }, []);
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return <span>{iso}</span>;
  return (
    <time dateTime={iso} title={hydrated ? date.toLocaleString() : formatUtc(date)}>
      {hydrated ? formatRelative(date, now) : formatUtc(date)}
    </time>
  );
}
