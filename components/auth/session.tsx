"use client";

// The signed-in person as the browser knows them, provided by each page (the page validated the
// session on the server and hands over who it is). `can(role)` decides what the UI shows; the
// server decides what is allowed on every request, so hiding a control is a courtesy, not a guard.
import { createContext, useContext, useMemo, type ReactNode } from "react";
import { roleAllows, type Role } from "@/server/auth/roles";

/** What a page hands to the browser about its user (never the session id). */
export interface SessionUser {
  id: string;
  email: string;
  name: string;
  role: Role;
}

export interface Session {
  user: SessionUser | null;
  /** Whether the signed-in user's role includes `role` (false when signed out). */
  can: (role: Role) => boolean;
}

const SessionContext = createContext<Session>({ user: null, can: () => false });

export function SessionProvider({ user, children }: { user: SessionUser | null; children: ReactNode }) {
  const value = useMemo<Session>(() => ({ user, can: (role) => user !== null && roleAllows(user.role, role) }), [user]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  return useContext(SessionContext);
}
