import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { requirePageUser } from "@/server/auth/page-session";
import { getRule } from "@/server/db/rules";
import { listTestCases } from "@/server/db/test-cases";
import { SessionProvider } from "@/components/auth/session";
import { Workspace } from "@/components/workspace/workspace";
import { LanguagesProvider } from "@/components/lib/languages";
import { enabledLanguages } from "@/server/contracts/languages";
import { workspaceFingerprint } from "@/components/workspace/fingerprint";

export const dynamic = "force-dynamic";

type Params = { params: Promise<{ id: string }> };

export async function generateMetadata({ params }: Params): Promise<Metadata> {
  // Metadata renders on its own: without this, a signed-out request could learn a rule's name.
  await requirePageUser();
  const rule = await getRule((await params).id);
  return { title: rule ? rule.name : "Rule not found" };
}

// Thin server component: load the rule and its inputs, hand a trimmed record to the client workspace.
export default async function RulePage({ params }: Params) {
  const { user } = await requirePageUser();
  const { id } = await params;
  const rule = await getRule(id);
  if (!rule) notFound();
  const testCases = await listTestCases(id);
  const latest = rule.latestVersion;
  // The key remounts the workspace when the page's data changed since the browser cached it.
  const fingerprint = workspaceFingerprint({ latestVersion: latest?.number ?? null, archived: rule.archived, testCases: testCases.map((c) => ({ id: c.id, updatedAt: c.updatedAt.toISOString() })) });
  return (
    <SessionProvider user={user}>
      <LanguagesProvider languages={enabledLanguages()}>
        <Workspace
          key={fingerprint}
          fingerprint={fingerprint}
          rule={{
            id: rule.id,
            name: rule.name,
            description: rule.description,
            archived: rule.archived,
            limits: rule.limits,
            publishedVersion: rule.publishedVersion,
            latestVersion: latest
              ? { number: latest.number, message: latest.message, sha256: latest.sha256, language: latest.language, source: latest.source, createdAt: latest.createdAt.toISOString() }
              : null,
          }}
          testCases={testCases.map((c) => ({
            id: c.id,
            name: c.name,
            input: c.input,
            hasExpectedOutput: "expectedOutput" in c,
            expectedOutput: c.expectedOutput,
          }))}
        />
      </LanguagesProvider>
    </SessionProvider>
  );
}
