"use client";

import Link from "next/link";
import type { ReactNode } from "react";
import { UserMenu } from "@/components/auth/user-menu";
import { useSession } from "@/components/auth/session";
import { ThemeToggle } from "@/components/theme/theme";

export type HeaderPage = "rules" | "api-docs" | "keys" | "users" | "audit" | "account";

/**
 * The header of the list pages: brand, an optional crumb, the main nav (marking the current page;
 * the admin pages only for admins), who is signed in with Sign out, the theme toggle.
 */
export function AppHeader({ current, crumb }: { current?: HeaderPage; crumb?: ReactNode }) {
  const { user, can } = useSession();
  const link = (page: HeaderPage, href: string, label: string) => (
    <Link href={href} aria-current={current === page ? "page" : undefined}>
      {label}
    </Link>
  );
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
      {user && (
        <nav aria-label="Main" className="rb-nav">
          {link("rules", "/", "Rules")}
          {link("api-docs", "/api-docs", "API")}
          {can("admin") && (
            <>
              {link("keys", "/keys", "API keys")}
              {link("users", "/users", "Users")}
              {link("audit", "/audit", "Audit")}
            </>
          )}
        </nav>
      )}
      <UserMenu />
      <ThemeToggle />
    </header>
  );
}
