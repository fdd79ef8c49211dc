import type { Metadata } from "next";
import { requirePageUser } from "@/server/auth/page-session";
import { SessionProvider } from "@/components/auth/session";
import { ApiReference } from "@/components/api-docs/api-reference";
import { AppHeader } from "@/components/ui/app-header";

export const dynamic = "force-dynamic";

export const metadata: Metadata = { title: "API reference" };

// Thin server component: the reference renders GET /api/openapi.json in the browser (Swagger UI,
// served from /swagger-ui by scripts/setup-swagger-ui.mjs).
export default async function ApiDocsPage() {
  const { user } = await requirePageUser();
  return (
    <SessionProvider user={user}>
      <AppHeader current="api-docs" crumb="API reference" />
      <main>
        <ApiReference />
      </main>
    </SessionProvider>
  );
}
