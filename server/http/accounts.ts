import "server-only";
// The accounts API's shared steps (issue 9): answering with a fresh session cookie, and the
// password policy as an error envelope. Routes under app/api/auth and app/api/users use these.
import { passwordProblem } from "@/server/auth/passwords";
import { isHttps, sessionCookie } from "@/server/auth/sessions";
import { validationFailed } from "./errors";
import { json } from "./handler";

/** A JSON answer that also sets the session cookie. */
export function withSessionCookie(request: Request, body: unknown, session: { token: string; expiresAt: Date }, status = 200): Response {
  const res = json(body, status);
  res.headers.append("set-cookie", sessionCookie(session.token, session.expiresAt, isHttps(request)));
  return res;
}

/** Refuses (422) a new password the policy does not accept. */
export function checkNewPassword(password: string, email: string, field = "password"): void {
  const problem = passwordProblem(password, email);
  if (problem) throw validationFailed(`${field}: ${problem}`, [{ path: [field], message: problem, code: "weak_password" }]);
}
