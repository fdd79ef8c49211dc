import type { Metadata } from "next";
import { requirePageUser } from "@/server/auth/page-session";
import { AUDIT_ACTIONS, listAuditEvents } from "@/server/db/audit";
import { AuditPanel } from "@/components/audit/audit-panel";
import { NotAllowed } from "@/components/auth/not-allowed";
import { SessionProvider } from "@/components/auth/session";
import { AppHeader } from "@/components/ui/app-header";

export const dynamic = "force-dynamic";

export const metadata: Metadata = { title: "Audit trail" };

const AUDIT_PAGE_SIZE = 50;

export default async function AuditPage() {
  const access = await requirePageUser("admin");
  if (!access.allowed) return <NotAllowed user={access.user} required={access.required} what="The audit trail" />;
  const first = await listAuditEvents({ limit: AUDIT_PAGE_SIZE });
  return (
    <SessionProvider user={access.user}>
      <AppHeader current="audit" crumb="Audit" />
      <main>
        <AuditPanel actions={AUDIT_ACTIONS} pageSize={AUDIT_PAGE_SIZE} initial={{ events: first.events.map((e) => ({ ...e, createdAt: e.createdAt.toISOString() })), nextCursor: first.nextCursor }} />
      </main>
    </SessionProvider>
  );
}
