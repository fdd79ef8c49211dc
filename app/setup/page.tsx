import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { MIN_PASSWORD_LENGTH } from "@/server/auth/passwords";
import { needsFirstAdmin } from "@/server/db/users";
import { AuthCard } from "@/components/auth/auth-card";
import { SetupForm } from "@/components/auth/setup-form";

export const dynamic = "force-dynamic";

export const metadata: Metadata = { title: "Create the first admin" };

// Only while the database has no user: afterwards, people sign in (and admins create users).
export default async function SetupPage() {
  if (!(await needsFirstAdmin())) redirect("/sign-in");
  return (
    <AuthCard
      title="Create the first admin"
      intro={
        <p style={{ margin: 0 }}>
          Rulebox has no users yet. The first account is an admin: it creates the others and gives them roles. There is no default password.
        </p>
      }
    >
      <SetupForm minPasswordLength={MIN_PASSWORD_LENGTH} />
    </AuthCard>
  );
}
