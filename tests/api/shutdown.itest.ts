// SIGTERM while execute requests are in flight: the server stops taking work (503), answers what it
// accepted, writes every run record it promised (each runId handed out is stored), and exits 0.
import { describe, expect, it } from "vitest";
import { queryRows } from "../harness/db";
import { startServer } from "../harness/server";

describe("graceful shutdown", () => {
  it("loses no promised run record and exits cleanly", async () => {
    const server = await startServer();
    try {
      const rules = (await (await fetch(`${server.baseUrl}/api/rules`, { headers: { cookie: server.adminCookie } })).json()) as { rules: { id: string; name: string }[] };
      const rule = rules.rules.find((r) => r.name === "Order discount")!;
      const created = await fetch(`${server.baseUrl}/api/keys`, { method: "POST", body: JSON.stringify({ name: "shutdown test" }), headers: { "content-type": "application/json", cookie: server.adminCookie } });
      const { secret } = (await created.json()) as { secret: string };
      const body = JSON.stringify({ input: { customer: { tier: "gold" }, items: [{ price: 200, quantity: 1 }] } });
      const execute = () =>
        fetch(`${server.baseUrl}/api/rules/${rule.id}/execute`, { method: "POST", body, headers: { "content-type": "application/json", authorization: `Bearer ${secret}` } }).then(
          async (res) => ({ status: res.status, body: (await res.json()) as { runId?: string | null; error?: { code: string } } }),
          () => ({ status: 0, body: {} as { runId?: string | null; error?: { code: string } } }),
        );
      // Warm up so the burst below is in flight when the signal lands.
      expect((await execute()).status).toBe(200);
      const exited = new Promise<number | null>((resolve) => server.child.once("exit", (code) => resolve(code)));
      const burst = Array.from({ length: 40 }, execute);
      server.child.kill("SIGTERM");
      const answers = await Promise.all(burst);
      expect(await exited).toBe(0);

      for (const a of answers) {
        if (a.status === 200) expect(a.body.runId).toEqual(expect.any(String));
        else if (a.status === 503) expect(a.body.error?.code).toBe("busy");
        else expect(a.status).toBe(0);
      }
      const promised = answers.flatMap((a) => (a.status === 200 && a.body.runId ? [a.body.runId] : []));
      const stored = new Set(
        (await queryRows<{ id: string }>(server.databaseUrl, `SELECT "id" FROM "Run" WHERE "trigger" = 'api'`)).map((r) => r.id),
      );
      for (const id of promised) expect(stored.has(id), `run ${id} was promised but not stored`).toBe(true);
      expect(server.output()).toContain("rulebox: stopped (all requests answered, run records written)");
    } finally {
      await server.stop();
    }
  });
});
