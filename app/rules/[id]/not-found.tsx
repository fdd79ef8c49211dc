import Link from "next/link";
import { getPageUser } from "@/server/auth/page-session";
import { SessionProvider } from "@/components/auth/session";
import { AppHeader } from "@/components/ui/app-header";

export default async function RuleNotFound() {
  // The page already required a session before it found no rule; this only fills the header.
  const user = await getPageUser();
  return (
    <SessionProvider user={user}>
      <AppHeader />
      <main className="rb-home">
        <h1>Rule not found</h1>
        <p className="rb-muted">It may have been created in another database, or the link is mistyped. Archived rules are still listed under “Show archived”.</p>
        <p>
          <Link href="/">Back to all rules</Link>
        </p>
      </main>
    </SessionProvider>
  );
}
