import "server-only";
// Password hashing: argon2id through @node-rs/argon2 (prebuilt, no install script), with its
// defaults, which are OWASP's recommended argon2id parameters (m = 19 MiB, t = 2, p = 1). The PHC
// string carries its parameters, so raising them later still verifies old hashes (and
// needsRehash() says when to upgrade one at sign-in).
import { hash, verify } from "@node-rs/argon2";

export const MIN_PASSWORD_LENGTH = 12;
/** argon2 accepts any length; bounding it keeps a sign-in request from hashing megabytes. */
export const MAX_PASSWORD_LENGTH = 256;

const PARAMS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, PARAMS);
}

/** Never throws on a malformed stored hash: that is a failed verification. */
export async function verifyPassword(stored: string, password: string): Promise<boolean> {
  try {
    return await verify(stored, password);
  } catch {
    return false;
  }
}

/** Whether a stored hash was made with weaker parameters than today's. */
export function needsRehash(stored: string): boolean {
  const m = /\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$/.exec(stored);
  return !m || Number(m[1]) < PARAMS.memoryCost || Number(m[2]) < PARAMS.timeCost;
}

// A real hash of a random password, verified against when the email is unknown, so a sign-in
// takes as long whether or not the account exists.
let dummy: Promise<string> | undefined;
export function dummyHash(): Promise<string> {
  return (dummy ??= hashPassword(`unused-${Math.random()}-${Date.now()}`));
}

/** Why a new password is refused, or null when it is acceptable. */
export function passwordProblem(password: string, email?: string): string | null {
  if (password.length < MIN_PASSWORD_LENGTH) return `the password must be at least ${MIN_PASSWORD_LENGTH} characters`;
  if (password.length > MAX_PASSWORD_LENGTH) return `the password must be at most ${MAX_PASSWORD_LENGTH} characters`;
  if (email && password.toLowerCase() === email.toLowerCase()) return "the password must not be the email address";
  if (/^(.)\1*$/.test(password)) return "the password must not be one repeated character";
  return null;
}
