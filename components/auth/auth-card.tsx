import type { ReactNode } from "react";
import { ThemeToggle } from "@/components/theme/theme";

/** The frame of the signed-out pages (sign in, first admin): the brand and one centred card. */
export function AuthCard({ title, intro, children }: { title: string; intro?: ReactNode; children: ReactNode }) {
  return (
    <>
      <header className="rb-header">
        <span className="rb-brand">
          Rule<span>box</span>
        </span>
        <div className="rb-spacer" />
        <ThemeToggle />
      </header>
      <main className="rb-auth">
        <section className="rb-card rb-auth-card" aria-labelledby="auth-title">
          <h1 id="auth-title">{title}</h1>
          {intro && <div className="rb-muted">{intro}</div>}
          {children}
        </section>
      </main>
    </>
  );
}
