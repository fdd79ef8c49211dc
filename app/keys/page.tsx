import type { Metadata } from "next";
import { requirePageUser } from "@/server/auth/page-session";
import { listApiKeys } from "@/server/db/api-keys";
import { listRules } from "@/server/db/rules";
import { NotAllowed } from "@/components/auth/not-allowed";
import { SessionProvider } from "@/components/auth/session";
import { ApiKeysPanel } from "@/components/keys/api-keys-panel";
import { AppHeader } from "@/components/ui/app-header";

export const dynamic = "force-dynamic";

export const metadata: Metadata = { title: "API keys" };

// Thin server component: the key list (never secrets or hashes) and the rules a key can be scoped
// to, handed to the client panel.
export default async function ApiKeysPage() {
  const access = await requirePageUser("admin");
  if (!access.allowed) return <NotAllowed user={access.user} required={access.required} what="API keys" />;
  const [keys, rules] = await Promise.all([listApiKeys(), listRules({ includeArchived: true })]);
  return (
    <SessionProvider user={access.user}>
      <AppHeader current="keys" crumb="API keys" />
      <main>
        <ApiKeysPanel
          rules={rules.map((r) => ({ id: r.id, name: r.name, archived: r.archived }))}
          initialKeys={keys.map((k) => ({
            ...k,
            createdAt: k.createdAt.toISOString(),
            lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
            revokedAt: k.revokedAt?.toISOString() ?? null,
          }))}
        />
      </main>
    </SessionProvider>
  );
}
