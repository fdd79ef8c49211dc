import type { BuildOptions } from "esbuild";
export declare const ROOT_DIR: string;
export declare const EXECUTOR_DIST_DIR: string;
export declare const WORKER_BUNDLE: string;
export declare function workerBuildOptions(options?: { outDir?: string; rootDir?: string }): BuildOptions;
export declare const ANALYSIS_WORKER_BUNDLE: string;
export declare function analysisWorkerBuildOptions(options?: { outDir?: string; rootDir?: string; quiet?: boolean }): BuildOptions;
export declare const PYTHON_WORKER_BUNDLE: string;
export declare function pythonWorkerBuildOptions(options?: { outDir?: string; rootDir?: string; quiet?: boolean }): BuildOptions;
