"use client";

// The workspace's header bar: the way back to the rule list, the rule's name with its saved/unsaved
// state and which version is live, then the language and the actions the role may take (Run, Save,
// Publish), the user menu and the theme. It shows state and reports clicks; the workspace acts.
import Link from "next/link";
import type { Language } from "@/server/contracts/run";
import { ThemeToggle } from "@/components/theme/theme";
import { UserMenu } from "@/components/auth/user-menu";
import { LanguagePicker } from "./language-picker";

/** Which version callers get: "live v2", or a warning when nothing is live or the latest saved is not. */
function LiveBadge(props: { live: number | null; latest: number | null }) {
  if (props.latest === null) return null;
  if (props.live === null) {
    return (
      <span className="rb-badge rb-badge-not-live" aria-label="Live version" title="No version is live: /execute answers “not published” until one is published">
        not published
      </span>
    );
  }
  return (
    <span className={`rb-badge ${props.live === props.latest ? "rb-badge-live" : "rb-badge-not-live"}`} aria-label="Live version" title={props.live === props.latest ? "The latest saved version is live" : `Callers get v${props.live}; v${props.latest} is saved but not published`}>
      live v{props.live}
      {props.live !== props.latest ? ` · v${props.latest} not live` : ""}
    </span>
  );
}

export function WorkspaceHeader(props: {
  ruleName: string;
  archived: boolean;
  dirty: boolean;
  /** The saved version the working copy started from; null when none is saved yet. */
  savedNumber: number | null;
  liveNumber: number | null;
  latestNumber: number | null;
  canEdit: boolean;
  canPublish: boolean;
  /** The signed-in role, for the read-only note. */
  role: string | undefined;
  language: Language;
  onLanguageChange: (language: Language) => void;
  running: boolean;
  /** Whether any version is saved (Publish needs one). */
  hasVersions: boolean;
  modKey: string;
  confirmLeave: (question: string) => boolean;
  onRun: () => void;
  onSave: () => void;
  onPublish: () => void;
}) {
  const { archived, canEdit, canPublish, modKey } = props;
  return (
    <header className="rb-header">
      <Link
        href="/"
        className="rb-brand"
        onClick={(e) => {
          if (!props.confirmLeave("You have unsaved changes. Leave anyway?")) e.preventDefault();
        }}
      >
        Rule<span>box</span>
      </Link>
      <span className="rb-crumb-sep">/</span>
      <div className="rb-ws-title">
        <h1 title={props.ruleName}>{props.ruleName}</h1>
        {archived && <span className="rb-badge">archived</span>}
        {props.dirty ? (
          <span className="rb-dirty" role="status" aria-label="Unsaved changes">
            Unsaved changes
          </span>
        ) : (
          <span className="rb-saved" role="status">
            {props.savedNumber === null ? "Not saved yet" : `Saved as v${props.savedNumber}`}
          </span>
        )}
        <LiveBadge live={props.liveNumber} latest={props.latestNumber} />
      </div>
      <div className="rb-spacer" />
      {!canEdit && (
        <span className="rb-readonly-note" role="note" title={`Your role (${props.role ?? "signed out"}) reads rules; an author edits and runs them`}>
          Read-only
        </span>
      )}
      <LanguagePicker language={props.language} disabled={!canEdit} onChange={props.onLanguageChange} />
      {canEdit && (
        <>
          <button type="button" className="rb-btn rb-btn-primary" aria-label="Run" aria-keyshortcuts="Control+Enter Meta+Enter" onClick={props.onRun} disabled={props.running} title={`Run against the selected input (${modKey}+Enter)`}>
            {props.running ? "Running…" : "Run"} <span className="rb-kbd">{modKey}+↵</span>
          </button>
          <button type="button" className="rb-btn" aria-label="Save" aria-keyshortcuts="Control+S Meta+S" onClick={props.onSave} disabled={archived} title={archived ? "Archived rules take no new versions: restore the rule first" : `Save a new version (${modKey}+S)`}>
            Save <span className="rb-kbd">{modKey}+S</span>
          </button>
        </>
      )}
      {canPublish && (
        <button
          type="button"
          className="rb-btn"
          aria-label="Publish"
          onClick={props.onPublish}
          disabled={archived || !props.hasVersions}
          title={archived ? "Archived rules cannot be published: restore the rule first" : "Make a saved version the live one"}
        >
          Publish
        </button>
      )}
      <UserMenu beforeLeave={() => props.confirmLeave("You have unsaved changes. Sign out anyway?")} />
      <ThemeToggle />
    </header>
  );
}
