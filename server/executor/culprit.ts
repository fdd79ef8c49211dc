// Who a run's trouble is held against: the key the noisy lane (noisy-rules.ts) and the crash
// quarantine (quarantine.ts) remember a run by. It must be something an attacker cannot vary for
// free. A hash of the source was not: a whitespace change walked around both (adversarial review).
// - A saved version (the execute path): its rule id. A new rule is a visible, recorded act; every
//   version of the rule shares the key, so saving an edited copy does not reset it either.
// - Unsaved source (the IDE's test runs): the source's token stream, without positions, comments
//   or whitespace, so reformatting or commenting it is the same culprit. Never the rule id the
//   request names: anyone could name a victim rule and get it throttled or quarantined.
// Renaming identifiers still makes a new key for unsaved source; once runs carry a signed-in
// caller (accounts), the caller becomes part of the key too.
import { createHash } from "node:crypto";
import { parse, type ParserPlugin } from "@babel/parser";
import { LRUCache } from "lru-cache";
import { tokenize as pythonTokens } from "../analysis/python/analyze-python";

interface CulpritTask {
  source: string;
  language: string;
  /** Set by the caller for saved versions: `rule:<id>`. */
  culprit?: string;
}

/** The culprit key of a saved rule's runs. */
export function ruleCulprit(ruleId: string): string {
  return `rule:${ruleId}`;
}

// Sources repeat (the IDE re-runs the same rule); a tokenize costs ~0.1–1 ms on the app's thread.
const fingerprints = new LRUCache<string, string>({ max: 512 });

/** The key runs of this task are remembered by (see file header). */
export function culpritOf(task: CulpritTask): string {
  if (task.culprit !== undefined) return task.culprit;
  const cacheKey = `${task.language}\0${task.source}`;
  let key = fingerprints.get(cacheKey);
  if (key === undefined) {
    key = `source:${fingerprintSource(task.source, task.language)}`;
    fingerprints.set(cacheKey, key);
  }
  return key;
}

interface TokenLike {
  type: string | { label: string };
  value?: unknown;
}

/** A hash of the source's tokens (kind and text), without positions, comments or whitespace. */
export function fingerprintSource(source: string, language: string): string {
  const hash = createHash("sha256").update(language).update("\0");
  if (language === "python") {
    // Python's own tokens (the static check's tokenizer): Babel would stop at the first `:`.
    // Blank and comment-only lines end in a newline token of their own: runs of them are one.
    let lastKind = "newline";
    for (const token of pythonTokens(source)) {
      if (token.kind === "newline" && lastKind === "newline") continue;
      hash.update(token.kind).update("\0").update(token.text).update("\0");
      lastKind = token.kind;
    }
    return hash.digest("base64url");
  }
  const plugins: ParserPlugin[] = language === "typescript" ? ["typescript"] : [];
  let tokens: TokenLike[] | undefined;
  try {
    const file = parse(source, { sourceType: "module", errorRecovery: true, tokens: true, plugins }) as unknown as { tokens?: TokenLike[] };
    tokens = file.tokens;
  } catch {
    // Unparseable even with recovery: such a source never runs past its syntax error; the raw
    // text is its key.
  }
  if (!tokens) return hash.update("raw\0").update(source).digest("base64url");
  for (const token of tokens) {
    const kind = typeof token.type === "string" ? token.type : token.type.label;
    if (kind === "CommentLine" || kind === "CommentBlock") continue;
    hash.update(kind).update("\0").update(token.value === undefined ? "" : String(token.value)).update("\0");
  }
  return hash.digest("base64url");
}
