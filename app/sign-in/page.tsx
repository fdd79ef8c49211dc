import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { getPageUser } from "@/server/auth/page-session";
import { needsFirstAdmin } from "@/server/db/users";
import { AuthCard } from "@/components/auth/auth-card";
import { SignInForm } from "@/components/auth/sign-in-form";
import { safeNextPath } from "@/components/auth/next-path";

export const dynamic = "force-dynamic";

export const metadata: Metadata = { title: "Sign in" };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

// An empty install goes on to create its first admin; someone already signed in goes on to the app.
export default async function SignInPage({ searchParams }: Props) {
  if (await needsFirstAdmin()) redirect("/setup");
  const next = safeNextPath((await searchParams).next) ?? "/";
  if (await getPageUser()) redirect(next);
  return (
    <AuthCard title="Sign in to Rulebox">
      <SignInForm next={next} />
    </AuthCard>
  );
}
