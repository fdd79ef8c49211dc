"use client";

// Who is signed in (email and role), a link to their account page and Sign out. Shown in both
// headers: the list pages' AppHeader and the rule workspace's own.
import Link from "next/link";
import { useState } from "react";
import { api } from "@/components/lib/api-client";
import { useSession } from "./session";

export function UserMenu({ beforeLeave }: { beforeLeave?: () => boolean }) {
  const { user } = useSession();
  const [signingOut, setSigningOut] = useState(false);
  if (!user) return null;
  const signOut = async () => {
    if (beforeLeave && !beforeLeave()) return;
    setSigningOut(true);
    try {
      await api.signOut();
    } catch {
      // Signing out clears the cookie even when the session had already ended; on a network
      // failure the sign-in page still shows, and the stale session expires on its own.
    }
    window.location.assign("/sign-in");
  };
  return (
    <div className="rb-user" aria-label="Signed in as">
      <Link href="/account" className="rb-user-link" title="Your account: change your password">
        <span className="rb-user-email">{user.email}</span>
        <span className={`rb-badge rb-badge-role rb-role-${user.role}`}>{user.role}</span>
      </Link>
      <button type="button" className="rb-btn rb-btn-sm" onClick={() => void signOut()} disabled={signingOut}>
        {signingOut ? "Signing out…" : "Sign out"}
      </button>
    </div>
  );
}
