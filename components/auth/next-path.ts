// Where to go after signing in (`?next=`): only a path on this site. Anything else — another
// origin, a protocol-relative `//evil.example`, a backslash that browsers read as a slash, control
// characters — would make the sign-in page an open redirect, so it falls back to the home page.
const SIGN_IN_PATHS = new Set(["/sign-in", "/setup"]);

/** `value` when it is a same-origin relative path ("/…", not "//…"), else null. */
export function safeNextPath(value: unknown): string | null {
  if (typeof value !== "string" || value.length === 0 || value.length > 2000) return null;
  if (!value.startsWith("/") || value.startsWith("//") || value.includes("\\")) return null;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(value)) return null;
  const path = value.split(/[?#]/, 1)[0]!;
  // Back to the sign-in page after signing in would be a loop.
  if (SIGN_IN_PATHS.has(path)) return null;
  return value;
}

/** The sign-in page's address that returns to `path` afterwards. */
export function signInHref(path: string | null): string {
  const next = safeNextPath(path);
  return next && next !== "/" ? `/sign-in?next=${encodeURIComponent(next)}` : "/sign-in";
}
