import Link from "next/link";
import { ThemeToggle } from "@/components/theme/theme";

export default function RuleNotFound() {
  return (
    <>
      <header className="rb-header">
        <Link href="/" className="rb-brand">
          Rule<span>box</span>
        </Link>
        <div className="rb-spacer" />
        <nav aria-label="Main" className="rb-nav">
          <Link href="/">Rules</Link>
          <Link href="/keys">API keys</Link>
        </nav>
        <ThemeToggle />
      </header>
      <main className="rb-home">
        <h1>Rule not found</h1>
        <p className="rb-muted">It may have been created in another database, or the link is mistyped. Archived rules are still listed under “Show archived”.</p>
        <p>
          <Link href="/">Back to all rules</Link>
        </p>
      </main>
    </>
  );
}
