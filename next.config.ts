import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // Native and worker-spawning packages must stay outside the bundle (DESIGN.md "Next.js").
  serverExternalPackages: ["piscina", "better-sqlite3", "@prisma/client", "@prisma/adapter-better-sqlite3", "@prisma/adapter-pg", "pg", "ses", "ts-blank-space", "typescript"],
  poweredByHeader: false,
  reactStrictMode: true,
};

export default nextConfig;
