import type { Metadata } from "next";
import Link from "next/link";
import { listApiKeys } from "@/server/db/api-keys";
import { ApiKeysPanel } from "@/components/keys/api-keys-panel";
import { ThemeToggle } from "@/components/theme/theme";

export const dynamic = "force-dynamic";

export const metadata: Metadata = { title: "API keys" };

// Thin server component: the key list (never secrets or hashes) handed to the client panel.
export default async function ApiKeysPage() {
  const keys = await listApiKeys();
  return (
    <>
      <header className="rb-header">
        <Link href="/" className="rb-brand">
          Rule<span>box</span>
        </Link>
        <span className="rb-crumb-sep">/</span>
        <span>API keys</span>
        <div className="rb-spacer" />
        <nav aria-label="Main" className="rb-nav">
          <Link href="/">Rules</Link>
          <Link href="/keys" aria-current="page">
            API keys
          </Link>
        </nav>
        <ThemeToggle />
      </header>
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
