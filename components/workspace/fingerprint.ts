// What the workspace page was rendered from, as one string. The server page computes it for the
// data it rendered; the workspace computes it again from the API on mount. They differ when the
// browser showed a cached page (Back/Forward reuse Next.js's router cache): then it refreshes.
export type WorkspaceState = {
  latestVersion: number | null;
  archived: boolean;
  testCases: { id: string; updatedAt: string }[];
};

export function workspaceFingerprint(state: WorkspaceState): string {
  const cases = state.testCases.map((c) => `${c.id}@${c.updatedAt}`).join(",");
  return `v${state.latestVersion ?? 0}|${state.archived ? "archived" : "active"}|${cases}`;
}
