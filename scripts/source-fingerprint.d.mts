// Types for scripts/source-fingerprint.mjs (plain JS so `npm start` runs it without a compiler).
export declare const BUILD_INPUTS: string[];
export declare const STAMP_FILE: string;
export declare function sourceFingerprint(root: string): string;
export declare function writeBuildStamp(root: string, fingerprint?: string): void;
export declare function buildState(root: string): "missing" | "stale" | "fresh";
