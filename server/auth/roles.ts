// Who may do what (issue 9). Roles are ordered: each one can do everything the one before it can.
// The server decides on every route (server/http/handler.ts `access`); the UI only hides controls.
import { z } from "zod";

export const ROLES = ["viewer", "author", "publisher", "admin"] as const;
export type Role = (typeof ROLES)[number];
export const roleSchema = z.enum(ROLES);

/** What each role adds, in the words the UI and docs use. */
export const ROLE_DESCRIPTIONS: Record<Role, string> = {
  viewer: "reads rules, versions, runs, test cases and deployments",
  author: "viewer + creates and edits rules, saves versions, edits test cases, runs tests and replays",
  publisher: "author + publishes and rolls back live versions",
  admin: "everything: users and roles, API keys, the audit trail",
};

/** Whether `role` includes everything `required` may do. */
export function roleAllows(role: Role, required: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(required);
}
