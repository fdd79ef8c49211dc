import Link from "next/link";
import { listRules } from "@/server/db/rules";
import { RuleList } from "@/components/rules/rule-list";
import { ThemeToggle } from "@/components/theme/theme";

// The list reflects the database at request time.
export const dynamic = "force-dynamic";

export default async function HomePage() {
  const rules = await listRules({});
  return (
    <>
      <header className="rb-header">
        <Link href="/" className="rb-brand">
          Rule<span>box</span>
        </Link>
        <div className="rb-spacer" />
        <nav aria-label="Main" className="rb-nav">
          <Link href="/" aria-current="page">
            Rules
          </Link>
          <Link href="/keys">API keys</Link>
        </nav>
        <ThemeToggle />
      </header>
      <main>
        <RuleList
          initialRules={rules.map((r) => ({
            ...r,
            createdAt: r.createdAt.toISOString(),
            updatedAt: r.updatedAt.toISOString(),
          }))}
        />
      </main>
    </>
  );
}
