// The process wall's launch plan: how an executor child is spawned on this machine. Node's
// permission model (required: no start without it) with read access to the bundle and its external
// packages only, a scrubbed environment (an allowlist, then a denylist of secret-looking names),
// prlimit (no file growth, no core dumps, bounded descriptors and processes) and an empty network
// namespace, each optional layer probed once and skipped with a warning when the OS refuses it.
// No "server-only": imported by supervisor.ts, which the executor host bundles, and by tests.
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import type { ChildWall } from "./ipc";

/** Which layers of the process wall were applied to the children, as probed on this machine. */
export interface WallLayers {
  permissionModel: { applied: boolean; flag: string; fsRead: string[] };
  scrubbedEnv: { applied: true; keys: string[] };
  prlimit: { applied: boolean; limits: string[]; reason?: string };
  networkNamespace: { applied: boolean; command?: string; reason?: string };
  /** The child sees only its own processes: it cannot signal the app, another executor or anything else. */
  pidNamespace: { applied: boolean; reason?: string };
  /** Confirmed from inside the first ready child (permission model active, writes and child processes denied). */
  confirmedByChild?: Pick<ChildWall, "permissionModel" | "fsWriteDenied" | "childProcessDenied">;
}

/** The settings the launch plan reads (part of the supervisor's environment, supervisor.ts). */
export const launchEnvSchema = z.object({
  RULEBOX_EXECUTOR_NOFILE: z.coerce.number().int().positive().default(256),
  RULEBOX_EXECUTOR_NPROC: z.coerce.number().int().positive().default(4096),
});
export type LaunchEnv = z.infer<typeof launchEnvSchema>;

type Log = (level: "info" | "warn" | "error", message: string) => void;

/** Variables the child may see. Everything else (DATABASE_URL, secrets, PATH, HOME…) is dropped. */
const CHILD_ENV_ALLOW = /^(NODE_ENV|RULEBOX_(DEFAULT|MAX|POOL|WORKER)_[A-Z0-9_]+)$/;
const CHILD_ENV_DENY = /SECRET|TOKEN|PASSWORD|PASSWD|CREDENTIAL|DATABASE|API_?KEY|PRIVATE/i;

/** The child's environment: an allowlist of limit/pool settings, a fixed TZ, nothing else. */
export function buildExecutorEnv(source: NodeJS.ProcessEnv, tz = "UTC"): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(source)) {
    if (value !== undefined && CHILD_ENV_ALLOW.test(key) && !CHILD_ENV_DENY.test(key)) env[key] = value;
  }
  // A fixed zone keeps dayjs/Date formatting in rules identical on replay, whatever the host's zone.
  env.TZ = tz;
  return env;
}

function findExecutable(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? "").split(path.delimiter), "/usr/bin", "/bin", "/usr/sbin", "/sbin"];
  for (const dir of dirs) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

function probeCommand(command: string, args: string[]): Promise<{ ok: boolean; detail: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ["ignore", "ignore", "pipe"], env: {} as NodeJS.ProcessEnv });
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
    child.on("error", (error) => {
      clearTimeout(timer);
      resolve({ ok: false, detail: error.message });
    });
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      resolve({ ok: code === 0, detail: code === 0 ? "" : stderr.trim() || `exit ${code ?? signal}` });
    });
  });
}

/** How to spawn a child behind the wall: the command (prlimit/unshare wrappers, then node) and what applied. */
export interface LaunchPlan {
  command: string;
  args: string[];
  wall: WallLayers;
}

/**
 * The launch plan for running `entry` (a file in `dir`) behind the same wall as the executor.
 * Exported so tests can put a probe script behind the wall and attack the wall on its own, as if
 * every layer inside the process had already fallen.
 */
export function planExecutorLaunch(dir: string, entry: string, sourceEnv: NodeJS.ProcessEnv = process.env): Promise<LaunchPlan> {
  return planLaunch(path.resolve(dir), entry, [], launchEnvSchema.parse(sourceEnv), () => {});
}

/**
 * Works out, once, how to wrap the child on this machine: each optional layer is probed by running
 * `node -e 0` through it, and skipped with a warning when the OS refuses it.
 */
export async function planLaunch(distDir: string, entry: string, external: string[], env: LaunchEnv, log: Log): Promise<LaunchPlan> {
  const node = process.execPath;
  const nodeModules = path.resolve(distDir, "..", "node_modules");
  const fsRead = [distDir, ...external.map((name) => path.join(nodeModules, name))];
  const unshare = findExecutable("unshare");
  const prlimit = findExecutable("prlimit");
  // Probes run in parallel where independent: each is a node start, slow on a busy machine.
  // Node 22.13/23.5 made the model stable as --permission; Node 20 spells it --experimental-permission.
  // unshare: -r maps our uid to root inside a new user namespace, which lets an unprivileged user
  // create the network namespace; plain -n works only with CAP_SYS_ADMIN. -p --fork adds a PID
  // namespace: an escaped rule could otherwise kill(2) the app (same user, its parent) or the other
  // executors. unshare then stays as the child's parent outside the namespace (it ignores SIGINT
  // and SIGTERM, passes on the child's exit status and fatal signal), and --kill-child ends the
  // child when unshare is killed, so SIGKILL of the spawned pid still ends the executor.
  const permissionFlags = ["--permission", "--experimental-permission"];
  const unshareFlags = [
    ["-rnp", "--fork", "--kill-child"],
    ["-np", "--fork", "--kill-child"],
    ["-rn"],
    ["-n"],
  ];
  const [permissionProbes, unshareProbes] = await Promise.all([
    Promise.all(permissionFlags.map((flag) => probeCommand(node, [flag, "--disable-warning=ExperimentalWarning", "-e", "process.exit(process.permission ? 0 : 1)"]))),
    Promise.all(unshareFlags.map((flags) => (unshare ? probeCommand(unshare, [...flags, "--", node, "-e", "0"]) : Promise.resolve({ ok: false, detail: "unshare not found" })))),
  ]);
  const permissionIndex = permissionProbes.findIndex((p) => p.ok);
  if (permissionIndex < 0) throw new Error(`Node's permission model is unavailable (${permissionProbes.at(-1)?.detail}); refusing to start the executor without it`);
  const permissionFlag = permissionFlags[permissionIndex]!;

  const wall: WallLayers = {
    permissionModel: { applied: true, flag: permissionFlag, fsRead },
    scrubbedEnv: { applied: true, keys: [] },
    prlimit: { applied: false, limits: [] },
    networkNamespace: { applied: false },
    pidNamespace: { applied: false },
  };
  let prefix: string[] = [];
  const unshareIndex = unshareProbes.findIndex((p) => p.ok);
  if (unshare && unshareIndex >= 0) {
    const flags = unshareFlags[unshareIndex]!;
    prefix = [unshare, ...flags, "--"];
    wall.networkNamespace = { applied: true, command: `unshare ${flags.join(" ")}` };
    if (flags.includes("--fork")) {
      wall.pidNamespace = { applied: true };
    } else {
      wall.pidNamespace.reason = unshareProbes[0]?.detail || "refused by this OS";
      log("warn", `executor: no PID namespace (${wall.pidNamespace.reason}); a process that escaped every layer inside the executor could signal the app`);
    }
  } else {
    wall.networkNamespace.reason = unshareProbes.at(-1)?.detail;
    wall.pidNamespace.reason = wall.networkNamespace.reason;
    log("warn", `executor: no network namespace (${wall.networkNamespace.reason}); rules' network access is then stopped only by the sandbox inside the workers`);
  }

  // Newer Node (20.20+, 22+) takes the flag once per path; older 20.x took one comma-separated list.
  const repeated = fsRead.map((p) => `--allow-fs-read=${p}`);
  const check = `process.exit(${JSON.stringify(fsRead)}.every((p) => process.permission.has("fs.read", p)) ? 0 : 1)`;
  // fsize=0: no file can grow (belt and braces with the permission model); core=0: no core dumps of
  // rule data; nofile and nproc bound descriptor and thread/process exhaustion.
  const limits = ["--fsize=0", `--nofile=${env.RULEBOX_EXECUTOR_NOFILE}`, `--nproc=${env.RULEBOX_EXECUTOR_NPROC}`, "--core=0"];
  const [repeatedProbe, prlimitProbe] = await Promise.all([
    probeCommand(node, [permissionFlag, ...repeated, "--disable-warning=ExperimentalWarning", "-e", check]),
    prlimit ? probeCommand(prlimit, [...limits, "--", ...prefix, node, "-e", "0"]) : Promise.resolve({ ok: false, detail: "prlimit not found" }),
  ]);
  if (prlimit && prlimitProbe.ok) {
    prefix = [prlimit, ...limits, "--", ...prefix];
    wall.prlimit = { applied: true, limits };
  } else {
    wall.prlimit.reason = prlimitProbe.detail;
    log("warn", `executor: prlimit not applied (${wall.prlimit.reason})`);
  }

  const nodeArgs = [
    permissionFlag,
    ...(repeatedProbe.ok ? repeated : [`--allow-fs-read=${fsRead.join(",")}`]),
    "--allow-worker",
    "--disable-warning=ExperimentalWarning",
    "--disable-warning=SecurityWarning",
    path.join(distDir, entry),
  ];
  const [command, ...rest] = prefix.length ? prefix : [node];
  const args = prefix.length ? [...rest, node, ...nodeArgs] : nodeArgs;
  return { command: command!, args, wall };
}
