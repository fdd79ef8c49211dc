import Link from "next/link";
import { ROLE_DESCRIPTIONS, type Role } from "@/server/auth/roles";
import { AppHeader } from "@/components/ui/app-header";
import { SessionProvider, type SessionUser } from "./session";

/** The page a signed-in person sees when their role does not reach what the page needs. */
export function NotAllowed({ user, required, what }: { user: SessionUser; required: Role; what: string }) {
  return (
    <SessionProvider user={user}>
      <AppHeader crumb={what} />
      <main className="rb-home">
        <h1>Not allowed for your role</h1>
        <p>
          {what} needs the <strong>{required}</strong> role ({ROLE_DESCRIPTIONS[required]}). You are signed in as {user.email} with the{" "}
          <strong>{user.role}</strong> role.
        </p>
        <p className="rb-muted">An admin can change your role on the Users page.</p>
        <p>
          <Link href="/">Back to all rules</Link>
        </p>
      </main>
    </SessionProvider>
  );
}
