import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // Native and worker-spawning packages must stay outside the bundle (DESIGN.md "Next.js"); undici
  // (the remote executor transport, server/executor/remote-client.ts) is loaded as published too.
  serverExternalPackages: ["piscina", "better-sqlite3", "@prisma/client", "@prisma/adapter-better-sqlite3", "@prisma/adapter-pg", "pg", "ses", "ts-blank-space", "typescript", "undici"],
  poweredByHeader: false,
  reactStrictMode: true,
  // No page of Rulebox may be framed (clickjacking), and browsers must not guess content types.
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          { key: "X-Frame-Options", value: "DENY" },
          { key: "Content-Security-Policy", value: "frame-ancestors 'none'" },
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "Referrer-Policy", value: "same-origin" },
        ],
      },
    ];
  },
};

export default nextConfig;
