import Link from "next/link";
import { AppHeader } from "@/components/ui/app-header";

export default function RuleNotFound() {
  return (
    <>
      <AppHeader />
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
