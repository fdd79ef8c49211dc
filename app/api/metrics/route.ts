import { defineRoute } from "@/server/http/handler";
import { PROMETHEUS_CONTENT_TYPE, readMetrics } from "@/server/http/metrics";

// GET /api/metrics — Prometheus text exposition (runs by outcome, latency histogram, executor and recorder gauges)
export const GET = defineRoute({ access: "public" }, async () => new Response(await readMetrics(), { headers: { "content-type": PROMETHEUS_CONTENT_TYPE, "cache-control": "no-store" } }));
