import "server-only";
// Pages validate the session themselves (proxy.ts only checks that a cookie is present): the same
// validateSessionToken the API uses, once per request (React cache), with the same role order.
import { cookies, headers } from "next/headers";
import { redirect } from "next/navigation";
import { cache } from "react";
import { needsFirstAdmin } from "@/server/db/users";
import { signInHref } from "@/components/auth/next-path";
import type { SessionUser } from "@/components/auth/session";
import { roleAllows, type Role } from "./roles";
import { SESSION_COOKIE, validateSessionToken } from "./sessions";

/** The request header proxy.ts sets to the page's path and query, so a page can come back to it. */
export const PAGE_PATH_HEADER = "x-rulebox-page-path";

/** This page request's signed-in user, or null (no cookie, or a session that ended). */
export const getPageUser = cache(async (): Promise<SessionUser | null> => {
  const token = (await cookies()).get(SESSION_COOKIE)?.value;
  const user = token ? await validateSessionToken(token) : null;
  return user ? { id: user.id, email: user.email, name: user.name, role: user.role } : null;
});

/** A page's access: who is signed in, and whether their role reaches what the page needs. */
export interface PageAccess {
  user: SessionUser;
  allowed: boolean;
  required: Role;
}

/**
 * The signed-in user of a page that needs `required`. Without a valid session it redirects: to
 * /setup while the app has no user yet, else to /sign-in with `next` set to this page. A role too
 * low is not redirected: the page renders <NotAllowed> (components/auth/not-allowed.tsx), so the
 * person learns why rather than bouncing.
 */
export async function requirePageUser(required: Role = "viewer"): Promise<PageAccess> {
  const user = await getPageUser();
  if (!user) {
    if (await needsFirstAdmin()) redirect("/setup");
    redirect(signInHref((await headers()).get(PAGE_PATH_HEADER)));
  }
  return { user, allowed: roleAllows(user.role, required), required };
}
