import Link from "next/link";
import type { ReactNode } from "react";
import { ThemeToggle } from "@/components/theme/theme";

/** The header of the list pages: brand, an optional crumb, the main nav (marking the current page), the theme toggle. */
export function AppHeader({ current, crumb }: { current?: "rules" | "keys"; crumb?: ReactNode }) {
  return (
    <header className="rb-header">
      <Link href="/" className="rb-brand">
        Rule<span>box</span>
      </Link>
      {crumb !== undefined && (
        <>
          <span className="rb-crumb-sep">/</span>
          <span>{crumb}</span>
        </>
      )}
      <div className="rb-spacer" />
      <nav aria-label="Main" className="rb-nav">
        <Link href="/" aria-current={current === "rules" ? "page" : undefined}>
          Rules
        </Link>
        <Link href="/keys" aria-current={current === "keys" ? "page" : undefined}>
          API keys
        </Link>
      </nav>
      <ThemeToggle />
    </header>
  );
}
