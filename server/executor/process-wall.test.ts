// The process wall on its own: a probe script runs behind exactly the executor's launch plan
// (permission model, scrubbed env, prlimit, network namespace) with no SES, no compartment, no
// analyzer: as if every layer inside the executor had fallen. What can it still reach?
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildExecutorEnv, planExecutorLaunch, type LaunchPlan } from "./launch-plan";

const ROOT = path.resolve(__dirname, "../..");

// Plain ESM, written next to nothing but itself: the permission model lets it read only its own directory.
const PROBE = `
import fs from "node:fs";
import net from "node:net";
const attempt = async (fn) => { try { return { ok: true, value: await fn() }; } catch (e) { return { ok: false, code: e?.code ?? String(e?.message ?? e) }; } };
process.once("message", async (targets) => {
  const out = {};
  out.readAppSource = await attempt(() => fs.readFileSync(targets.appFile, "utf8").length);
  out.readEtcPasswd = await attempt(() => fs.readFileSync("/etc/passwd", "utf8").length);
  out.listAppDir = await attempt(() => fs.readdirSync(targets.appDir).length);
  out.writeFile = await attempt(() => fs.writeFileSync(targets.writeTarget, "pwned"));
  out.childProcess = await attempt(async () => (await import("node:child_process")).execFileSync("/bin/sh", ["-c", "echo pwned"]).toString());
  out.nativeAddon = await attempt(() => process.dlopen({ exports: {} }, targets.addon));
  out.connectAppPort = await attempt(() => new Promise((resolve, reject) => {
    const socket = net.connect(targets.port, "127.0.0.1");
    socket.once("connect", () => { socket.destroy(); resolve("connected"); });
    socket.once("error", reject);
    setTimeout(() => { socket.destroy(); reject(Object.assign(new Error("timeout"), { code: "TIMEOUT" })); }, 3000);
  }));
  // Signals: probe the app with signal 0 (never kill the test runner), SIGKILL a bystander process.
  out.signalApp = await attempt(() => process.kill(targets.appPid, 0));
  out.killBystander = await attempt(() => process.kill(targets.bystanderPid, "SIGKILL"));
  out.env = Object.keys(process.env).sort();
  process.send(out, () => process.exit(0));
});
`;

interface Attempt {
  ok: boolean;
  value?: unknown;
  code?: string;
}
type ProbeReport = Record<string, Attempt> & { env: string[] };

describe("process wall (the executor's launch plan, attacked from inside)", () => {
  let probeDir: string;
  let plan: LaunchPlan;
  let report: ProbeReport;
  let server: net.Server;
  let connections = 0;
  let bystander: ChildProcess;
  const writeTarget = path.join(os.tmpdir(), `rulebox-wall-probe-${process.pid}`);

  beforeAll(async () => {
    probeDir = fs.mkdtempSync(path.join(os.tmpdir(), "rulebox-wall-"));
    fs.writeFileSync(path.join(probeDir, "probe.mjs"), PROBE);
    server = net.createServer((socket) => {
      connections += 1;
      socket.destroy();
    });
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    const port = (server.address() as net.AddressInfo).port;

    const secretEnv = { ...process.env, DATABASE_URL: "postgres://rulebox:hunter2@db/rulebox", RULEBOX_SESSION_SECRET: "s3cret" };
    plan = await planExecutorLaunch(probeDir, "probe.mjs", secretEnv);
    bystander = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" });
    const child = spawn(plan.command, plan.args, { stdio: ["ignore", "inherit", "inherit", "ipc"], env: buildExecutorEnv(secretEnv) as NodeJS.ProcessEnv, serialization: "json" });
    const reply = once(child, "message");
    child.send({ appFile: path.join(ROOT, "package.json"), appDir: ROOT, writeTarget, port, appPid: process.pid, bystanderPid: bystander.pid, addon: path.join(ROOT, "node_modules/better-sqlite3/build/Release/better_sqlite3.node") });
    [report] = (await reply) as [ProbeReport];
    await once(child, "exit");
  });

  afterAll(() => {
    bystander?.kill("SIGKILL");
    server?.close();
    if (probeDir) fs.rmSync(probeDir, { recursive: true, force: true });
  });

  it.each(["readAppSource", "readEtcPasswd", "listAppDir", "writeFile", "childProcess", "nativeAddon"])("denies %s", (name) => {
    expect(report[name]).toMatchObject({ ok: false });
  });

  it("denies reads and writes by the permission model itself", () => {
    expect(report.readAppSource!.code).toBe("ERR_ACCESS_DENIED");
    expect(report.writeFile!.code).toBe("ERR_ACCESS_DENIED");
    expect(report.childProcess!.code).toBe("ERR_ACCESS_DENIED");
    expect(fs.existsSync(writeTarget)).toBe(false);
  });

  it("cannot reach the app's own port when the network namespace applied", (ctx) => {
    if (!plan.wall.networkNamespace.applied) ctx.skip();
    expect(report.connectAppPort).toMatchObject({ ok: false });
    expect(connections).toBe(0);
  });

  // An escaped rule could otherwise SIGKILL the app (its parent, same user) or another executor.
  it("cannot signal any process outside its own PID namespace when that applied", (ctx) => {
    if (!plan.wall.pidNamespace.applied) ctx.skip();
    expect(report.signalApp).toMatchObject({ ok: false, code: "ESRCH" });
    expect(report.killBystander).toMatchObject({ ok: false, code: "ESRCH" });
    expect(bystander.exitCode === null && bystander.signalCode === null).toBe(true);
  });

  it("sees no secret in its environment", () => {
    expect(report.env).not.toContain("DATABASE_URL");
    expect(report.env).not.toContain("RULEBOX_SESSION_SECRET");
    expect(report.env).not.toContain("PATH");
    expect(report.env).not.toContain("HOME");
  });
});
