// The Host allowlist against DNS rebinding (see browser-guard.ts). Free of server-only imports, so
// proxy.ts can apply it to pages as defineRoute applies it to API routes.
const LOOPBACK_NAMES = ["localhost", "127.0.0.1", "[::1]"];

interface HostRule {
  name: string;
  /** null: any port */
  port: string | null;
}

function parseHostEntry(entry: string): HostRule | null {
  const text = entry.trim().toLowerCase();
  if (!text) return null;
  const m = /^(\[[0-9a-f:.]+\]|[^:\s]+)(?::(\d{1,5}))?$/.exec(text);
  if (!m) throw new Error(`RULEBOX_ALLOWED_HOSTS: "${entry}" is not a host name or host:port`);
  return { name: m[1]!, port: m[2] ?? null };
}

let cached: { key: string; rules: HostRule[] } | undefined;

/** The Host values this server answers (see the file header). */
export function allowedHosts(env: NodeJS.ProcessEnv = process.env): HostRule[] {
  const key = `${env.RULEBOX_ALLOWED_HOSTS ?? ""}|${env.HOSTNAME ?? ""}|${env.PORT ?? ""}`;
  if (cached?.key === key) return cached.rules;
  let rules: HostRule[];
  if (env.RULEBOX_ALLOWED_HOSTS?.trim()) {
    rules = env.RULEBOX_ALLOWED_HOSTS.split(",").map(parseHostEntry).filter((r): r is HostRule => r !== null);
  } else {
    const port = env.PORT?.trim() || null;
    const bound = env.HOSTNAME?.trim().toLowerCase();
    const names = new Set(LOOPBACK_NAMES);
    // 0.0.0.0 / :: are not names a browser uses; such deployments set RULEBOX_ALLOWED_HOSTS.
    if (bound && bound !== "0.0.0.0" && bound !== "::" && bound !== "[::]") names.add(bound.includes(":") && !bound.startsWith("[") ? `[${bound}]` : bound);
    rules = [...names].map((name) => ({ name, port }));
  }
  cached = { key, rules };
  return rules;
}

/** Whether a Host header value (name[:port]) is one this server is known by. */
export function isAllowedHost(host: string | null, rules: HostRule[] = allowedHosts()): boolean {
  if (!host) return false;
  const m = /^(\[[0-9a-fA-F:.]+\]|[^:\s\/]+)(?::(\d{1,5}))?$/.exec(host.trim());
  if (!m) return false;
  const name = m[1]!.toLowerCase().replace(/\.$/, "");
  const port = m[2] ?? null;
  return rules.some((r) => r.name === name && (r.port === null || r.port === port || (port === null && (r.port === "80" || r.port === "443"))));
}

