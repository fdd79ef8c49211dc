import { requirePageUser } from "@/server/auth/page-session";
import { listRules } from "@/server/db/rules";
import { SessionProvider } from "@/components/auth/session";
import { RuleList } from "@/components/rules/rule-list";
import { AppHeader } from "@/components/ui/app-header";
import { LanguagesProvider } from "@/components/lib/languages";
import { enabledLanguages } from "@/server/contracts/languages";

// The list reflects the database at request time.
export const dynamic = "force-dynamic";

export default async function HomePage() {
  const { user } = await requirePageUser();
  const rules = await listRules({});
  return (
    <SessionProvider user={user}>
      <LanguagesProvider languages={enabledLanguages()}>
        <AppHeader current="rules" />
        <main>
          <RuleList
            initialRules={rules.map((r) => ({
              ...r,
              createdAt: r.createdAt.toISOString(),
              updatedAt: r.updatedAt.toISOString(),
            }))}
          />
        </main>
      </LanguagesProvider>
    </SessionProvider>
  );
}
