import type { Metadata } from "next";
import { listApiKeys } from "@/server/db/api-keys";
import { ApiKeysPanel } from "@/components/keys/api-keys-panel";
import { AppHeader } from "@/components/ui/app-header";

export const dynamic = "force-dynamic";

export const metadata: Metadata = { title: "API keys" };

// Thin server component: the key list (never secrets or hashes) handed to the client panel.
export default async function ApiKeysPage() {
  const keys = await listApiKeys();
  return (
    <>
      <AppHeader current="keys" crumb="API keys" />
      <main>
        <ApiKeysPanel
          initialKeys={keys.map((k) => ({
            ...k,
            createdAt: k.createdAt.toISOString(),
            lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
            revokedAt: k.revokedAt?.toISOString() ?? null,
          }))}
        />
      </main>
    </>
  );
}
