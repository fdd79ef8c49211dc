// The static policy as data: blocklist.json, validated here when the module loads. A broken policy
// throws at import, so the server refuses to start (or to analyze) rather than run rules unchecked.
// Pure (no Node imports): the browser editor imports this too.
import { z } from "zod";
import blocklistJson from "./blocklist.json";

const codeSchema = z.string().regex(/^RB\d{3}$/, "codes look like RB123");
const severitySchema = z.enum(["error", "warning"]);
const messageSchema = z.string().min(1);

/** One fixed check of the engine (syntax error, missing default export, …) with its code and message template. */
export const checkSchema = z.object({ code: codeSchema, severity: severitySchema, message: messageSchema }).strict();
export type Check = z.infer<typeof checkSchema>;

const namedEntrySchema = z
  .object({ name: z.string().min(1), message: messageSchema, severity: severitySchema.optional() })
  .strict();

function uniqueNames<T extends { name: string }>(entries: T[], ctx: z.RefinementCtx): void {
  const seen = new Set<string>();
  entries.forEach((entry, index) => {
    const key = "object" in entry && typeof entry.object === "string" ? `${entry.object}.${entry.name}` : entry.name;
    if (seen.has(key)) ctx.addIssue({ code: "custom", message: `duplicate entry "${key}"`, path: [index, "name"] });
    seen.add(key);
  });
}

function categorySchema<E extends z.ZodType<{ name: string }>>(entry: E) {
  return z
    .object({ code: codeSchema, severity: severitySchema, entries: z.array(entry).superRefine(uniqueNames) })
    .strict();
}

/** Names of the syntax forms the engine knows how to detect; the policy decides which are blocked and how. */
export const SYNTAX_KINDS = [
  "with",
  "dynamic-import",
  "import-meta",
  "debugger",
  "top-level-await",
  "export-all",
  "re-export",
  "import-equals",
  "export-assignment",
  "ts-enum",
  "ts-namespace",
  "ts-parameter-property",
  "ts-angle-assertion",
] as const;
export type SyntaxKind = (typeof SYNTAX_KINDS)[number];

const syntaxEntrySchema = z
  .object({ syntax: z.enum(SYNTAX_KINDS), code: codeSchema, severity: severitySchema, message: messageSchema })
  .strict();

/** The shape of blocklist.json. */
export const policySchema = z
  .object({
    $comment: z.string().optional(),
    version: z.literal(1),
    maxSourceBytes: z.number().int().positive(),
    allowedModules: z
      .array(z.object({ name: z.string().min(1), description: z.string() }).strict())
      .min(1)
      .superRefine(uniqueNames),
    checks: z
      .object({
        analyzerFailure: checkSchema,
        syntaxError: checkSchema,
        sourceTooLarge: checkSchema,
        tooDeeplyNested: checkSchema,
        analysisTimeout: checkSchema,
        tooManyProblems: checkSchema,
        nodeBuiltinModule: checkSchema,
        importNotAllowed: checkSchema,
        relativeImport: checkSchema,
        missingDefaultExport: checkSchema,
        defaultExportNotFunction: checkSchema,
      })
      .strict(),
    // A module entry without a message uses checks.nodeBuiltinModule's.
    blockedModules: categorySchema(namedEntrySchema.extend({ message: messageSchema.optional() })),
    blockedGlobals: categorySchema(namedEntrySchema),
    // `object` narrows an entry to `object.name` (e.g. Symbol.species), so data fields such as
    // `pet.species` stay allowed.
    blockedMembers: categorySchema(namedEntrySchema.extend({ object: z.string().min(1).optional() })),
    blockedObjectKeys: categorySchema(namedEntrySchema),
    blockedSyntax: z.array(syntaxEntrySchema),
  })
  .strict()
  .superRefine((policy, ctx) => {
    // The analyzer fails closed with this check, so it must block.
    if (policy.checks.analyzerFailure.severity !== "error") {
      ctx.addIssue({ code: "custom", message: "analyzerFailure must be an error", path: ["checks", "analyzerFailure"] });
    }
    const syntax = new Set<string>();
    policy.blockedSyntax.forEach((entry, index) => {
      if (syntax.has(entry.syntax)) ctx.addIssue({ code: "custom", message: `duplicate syntax "${entry.syntax}"`, path: ["blockedSyntax", index] });
      syntax.add(entry.syntax);
    });
    // A code names one kind of finding: the same code may not mean two different things.
    const owners = new Map<string, string>();
    const claim = (code: string, owner: string, path: (string | number)[]) => {
      const previous = owners.get(code);
      if (previous !== undefined && previous !== owner) {
        ctx.addIssue({ code: "custom", message: `code ${code} is used by both ${previous} and ${owner}`, path });
      }
      owners.set(code, owner);
    };
    for (const [name, check] of Object.entries(policy.checks)) {
      claim(check.code, name === "nodeBuiltinModule" ? "blockedModules" : `checks.${name}`, ["checks", name, "code"]);
    }
    claim(policy.blockedModules.code, "blockedModules", ["blockedModules", "code"]);
    claim(policy.blockedGlobals.code, "blockedGlobals", ["blockedGlobals", "code"]);
    claim(policy.blockedMembers.code, "blockedMembers", ["blockedMembers", "code"]);
    claim(policy.blockedObjectKeys.code, "blockedObjectKeys", ["blockedObjectKeys", "code"]);
    policy.blockedSyntax.forEach((entry, index) => claim(entry.code, `blockedSyntax.${entry.syntax}`, ["blockedSyntax", index, "code"]));
  });
export type Policy = z.infer<typeof policySchema>;

/** Validates a policy document; throws a readable error naming every problem. */
export function parsePolicy(data: unknown): Policy {
  const result = policySchema.safeParse(data);
  if (!result.success) {
    throw new Error(`Invalid analyzer policy (server/analysis/blocklist.json):\n${z.prettifyError(result.error)}`);
  }
  return result.data;
}

/** The policy in force, validated at module load. */
export const POLICY: Policy = parsePolicy(blocklistJson);

/** Modules a rule may import (the executor preloads exactly these). */
export const ALLOWED_MODULES: readonly string[] = Object.freeze(POLICY.allowedModules.map((m) => m.name));

/** Largest source, in UTF-8 bytes, the analyzer parses; anything larger is one diagnostic. */
export const MAX_SOURCE_BYTES: number = POLICY.maxSourceBytes;
