// Types for scripts/migrate.mjs (plain JS so `npm start` runs it without a compiler).
export declare const DEFAULT_DATABASE_URL: string;
export declare function resolveDatabaseUrl(url?: string): { dialect: "sqlite"; url: string; file: string } | { dialect: "postgresql"; url: string };
export declare function migrate(options?: { databaseUrl?: string; log?: (line: string) => void; migrationsDir?: string }): Promise<string[]>;
