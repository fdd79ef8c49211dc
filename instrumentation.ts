// Next.js calls register() once per server start, before requests are served. The Node-only work
// lives in server/startup.ts; the import sits inside the runtime check so the Edge compile of this
// file never pulls it in.
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME === "nodejs" && process.env.NEXT_PHASE !== "phase-production-build") {
    const { startRulebox } = await import("@/server/startup");
    await startRulebox();
  }
}
