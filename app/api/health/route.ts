import { getDb } from "@/server/db/client";
import { getRunRecorderStats } from "@/server/db/runs";
import { getExecutorStats } from "@/server/executor";
import { defineRoute, json } from "@/server/http/handler";

// GET /api/health — the app, its database and the executor; 503 when the database does not answer
export const GET = defineRoute({ access: "public" }, async () => {
  let db: "ok" | "error" = "ok";
  try {
    await (await getDb()).rule.count();
  } catch (err) {
    console.error("[rulebox] health: database check failed", err);
    db = "error";
  }
  let executor: unknown;
  try {
    executor = await getExecutorStats();
  } catch (err) {
    console.error("[rulebox] health: executor stats failed", err);
    executor = { error: "unavailable" };
  }
  return json({ status: db === "ok" ? "ok" : "error", db, executor, runRecorder: getRunRecorderStats() }, db === "ok" ? 200 : 503);
});
