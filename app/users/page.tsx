import type { Metadata } from "next";
import { MIN_PASSWORD_LENGTH } from "@/server/auth/passwords";
import { requirePageUser } from "@/server/auth/page-session";
import { listUsers } from "@/server/db/users";
import { NotAllowed } from "@/components/auth/not-allowed";
import { SessionProvider } from "@/components/auth/session";
import { UsersPanel } from "@/components/users/users-panel";
import { AppHeader } from "@/components/ui/app-header";

export const dynamic = "force-dynamic";

export const metadata: Metadata = { title: "Users" };

export default async function UsersPage() {
  const access = await requirePageUser("admin");
  if (!access.allowed) return <NotAllowed user={access.user} required={access.required} what="The Users page" />;
  const users = await listUsers();
  return (
    <SessionProvider user={access.user}>
      <AppHeader current="users" crumb="Users" />
      <main>
        <UsersPanel
          minPasswordLength={MIN_PASSWORD_LENGTH}
          initialUsers={users.map((u) => ({ ...u, createdAt: u.createdAt.toISOString(), disabledAt: u.disabledAt?.toISOString() ?? null }))}
        />
      </main>
    </SessionProvider>
  );
}
