import type { Metadata } from "next";
import { MIN_PASSWORD_LENGTH } from "@/server/auth/passwords";
import { requirePageUser } from "@/server/auth/page-session";
import { AccountPanel } from "@/components/auth/account-panel";
import { SessionProvider } from "@/components/auth/session";
import { AppHeader } from "@/components/ui/app-header";

export const dynamic = "force-dynamic";

export const metadata: Metadata = { title: "Your account" };

export default async function AccountPage() {
  const { user } = await requirePageUser();
  return (
    <SessionProvider user={user}>
      <AppHeader current="account" crumb="Your account" />
      <main>
        <AccountPanel minPasswordLength={MIN_PASSWORD_LENGTH} />
      </main>
    </SessionProvider>
  );
}
