"use client";

// The rule list: search, create (name + language), rename in place, archive and restore. Creating
// and renaming are offered to authors, archiving and restoring to publishers (the server decides).
import Link from "next/link";
import { useEffect, useRef, useState, type FormEvent } from "react";
import type { Language } from "@/server/contracts/run";
import { api, type RuleSummary } from "@/components/lib/api-client";
import { useSession } from "@/components/auth/session";
import { useAction } from "@/components/lib/use-action";
import { LanguageOptions, useEnabledLanguages } from "@/components/lib/languages";
import { ErrorAlert } from "@/components/ui/error-alert";
import { TimeAgo } from "@/components/ui/time-ago";
import { STARTER_SAMPLE_INPUT, starterSource } from "@/server/contracts/starter";

const SEARCH_DEBOUNCE_MS = 200;

export function RuleList({ initialRules }: { initialRules: RuleSummary[] }) {
  const languages = useEnabledLanguages();
  const { can } = useSession();
  const [rules, setRules] = useState(initialRules);
  const [query, setQuery] = useState("");
  const [includeArchived, setIncludeArchived] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [status, setStatus] = useState<{ text: string; undoArchiveId?: string } | null>(null);
  const [highlightId, setHighlightId] = useState<string | null>(null);
  const firstLoad = useRef(true);

  const reload = async (signal?: AbortSignal) => {
    const data = await api.listRules(query, includeArchived, signal);
    setRules(data.rules);
  };

  useEffect(() => {
    if (firstLoad.current) {
      firstLoad.current = false;
      return;
    }
    const controller = new AbortController();
    const timer = setTimeout(() => {
      reload(controller.signal).catch((err: unknown) => {
        if (!(err instanceof DOMException && err.name === "AbortError")) setError(err);
      });
    }, SEARCH_DEBOUNCE_MS);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
    // reload reads the current query/includeArchived; re-run only when they change.
  }, [query, includeArchived]);

  const run = async (fn: () => Promise<void>) => {
    setError(null);
    try {
      await fn();
    } catch (err) {
      setError(err);
    }
  };

  return (
    <div className="rb-home">
      <div className="rb-home-top">
        <div>
          <h1>Rules</h1>
          <p className="rb-muted" style={{ margin: "4px 0 0" }}>
            Business rules as small {languages.includes("python") ? "JavaScript, TypeScript or Python" : "JavaScript or TypeScript"} functions, versioned and run in a sandbox.
          </p>
        </div>
      </div>

      {can("author") && (
        <CreateRuleForm
          onCreated={async (rule) => {
            await run(async () => {
              setQuery("");
              const data = await api.listRules("", includeArchived);
              setRules(data.rules);
              setHighlightId(rule.id);
              setStatus({ text: `Created “${rule.name}”.` });
            });
          }}
          onError={setError}
        />
      )}

      <div className="rb-toolbar">
        <label className="rb-field" style={{ flex: 1, minWidth: 220 }}>
          <span className="visually-hidden">Search rules</span>
          <input
            className="rb-input"
            type="search"
            placeholder="Search by name or description"
            aria-label="Search rules"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
          />
        </label>
        <label className="rb-row" style={{ gap: 6 }}>
          <input type="checkbox" checked={includeArchived} onChange={(e) => setIncludeArchived(e.target.checked)} />
          Show archived
        </label>
      </div>

      {error !== null && <ErrorAlert error={error} onDismiss={() => setError(null)} />}
      <div role="status" aria-live="polite" className="rb-row" style={{ minHeight: 24 }}>
        {status && (
          <>
            <span>{status.text}</span>
            {status.undoArchiveId && can("publisher") && (
              <button
                type="button"
                className="rb-btn rb-btn-sm"
                onClick={() =>
                  run(async () => {
                    await api.restoreRule(status.undoArchiveId!);
                    setStatus({ text: "Restored." });
                    await reload();
                  })
                }
              >
                Undo
              </button>
            )}
          </>
        )}
      </div>

      <div className="rb-card" style={{ overflow: "auto" }}>
        <table className="rb-table" aria-label="Rules">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Language</th>
              <th scope="col" className="rb-num" title="Latest version">
                Version
              </th>
              <th scope="col">Updated</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {rules.map((rule) => (
              <RuleRow
                key={rule.id}
                rule={rule}
                highlighted={rule.id === highlightId}
                onRenamed={(updated) => {
                  setRules((rs) => rs.map((r) => (r.id === updated.id ? { ...r, name: updated.name } : r)));
                  setStatus({ text: `Renamed to “${updated.name}”.` });
                }}
                onArchive={() =>
                  run(async () => {
                    await api.archiveRule(rule.id);
                    setStatus({ text: `Archived “${rule.name}”.`, undoArchiveId: rule.id });
                    await reload();
                  })
                }
                onRestore={() =>
                  run(async () => {
                    await api.restoreRule(rule.id);
                    setStatus({ text: `Restored “${rule.name}”.` });
                    await reload();
                  })
                }
                onError={setError}
              />
            ))}
          </tbody>
        </table>
        {rules.length === 0 && <p className="rb-empty">{query ? `No rule matches “${query}”.` : can("author") ? "No rules yet — create one above." : "No rules yet."}</p>}
      </div>
    </div>
  );
}

function CreateRuleForm({ onCreated, onError }: { onCreated: (rule: { id: string; name: string }) => Promise<void>; onError: (err: unknown) => void }) {
  const [name, setName] = useState("");
  const [language, setLanguage] = useState<Language>("typescript");
  const [busy, perform] = useAction(onError);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const trimmed = name.trim();
    if (!trimmed) return;
    await perform(async () => {
      const { rule } = await api.createRule({ name: trimmed, language, source: starterSource(language), message: "Initial version", sampleInput: STARTER_SAMPLE_INPUT });
      setName("");
      await onCreated({ id: rule.id, name: trimmed });
    });
  };
  return (
    <form className="rb-card rb-create" onSubmit={submit} aria-label="Create rule">
      <label className="rb-field">
        <span>New rule name</span>
        <input className="rb-input" value={name} onChange={(e) => setName(e.target.value)} placeholder="e.g. Shipping fee" maxLength={100} required />
      </label>
      <label className="rb-field">
        <span>Language</span>
        <select className="rb-select" value={language} onChange={(e) => setLanguage(e.target.value as Language)}>
          <LanguageOptions />
        </select>
      </label>
      <button type="submit" className="rb-btn rb-btn-primary" disabled={busy || name.trim() === ""}>
        {busy ? "Creating…" : "Create rule"}
      </button>
    </form>
  );
}

function RuleRow(props: {
  rule: RuleSummary;
  highlighted: boolean;
  onRenamed: (rule: { id: string; name: string }) => void;
  onArchive: () => void;
  onRestore: () => void;
  onError: (err: unknown) => void;
}) {
  const { rule } = props;
  const { can } = useSession();
  const [editing, setEditing] = useState(false);
  const [name, setName] = useState(rule.name);
  const [busy, perform] = useAction(props.onError);
  const linkRef = useRef<HTMLAnchorElement>(null);

  useEffect(() => {
    if (props.highlighted) linkRef.current?.focus();
  }, [props.highlighted]);

  const save = async () => {
    const trimmed = name.trim();
    if (!trimmed || trimmed === rule.name) {
      setEditing(false);
      setName(rule.name);
      return;
    }
    await perform(async () => {
      await api.updateRule(rule.id, { name: trimmed });
      props.onRenamed({ id: rule.id, name: trimmed });
      setEditing(false);
    });
  };

  return (
    <tr className={rule.archived ? "rb-archived" : undefined} style={props.highlighted ? { background: "var(--accent-soft)" } : undefined}>
      <td>
        {editing ? (
          <form
            className="rb-row"
            onSubmit={(e) => {
              e.preventDefault();
              void save();
            }}
          >
            <input
              className="rb-input"
              aria-label={`New name for ${rule.name}`}
              value={name}
              autoFocus
              onChange={(e) => setName(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === "Escape") {
                  setEditing(false);
                  setName(rule.name);
                }
              }}
            />
            <button type="submit" className="rb-btn rb-btn-sm rb-btn-primary" disabled={busy}>
              Save
            </button>
            <button
              type="button"
              className="rb-btn rb-btn-sm"
              onClick={() => {
                setEditing(false);
                setName(rule.name);
              }}
            >
              Cancel
            </button>
          </form>
        ) : (
          <div>
            <Link ref={linkRef} href={`/rules/${rule.id}`} className="rb-rule-link">
              {rule.name}
            </Link>
            {rule.archived && <span className="rb-badge" style={{ marginLeft: 8 }}>archived</span>}
            {rule.description ? <div className="rb-muted" style={{ fontSize: 12.5 }}>{rule.description}</div> : null}
          </div>
        )}
      </td>
      <td>{rule.language ? <span className="rb-badge rb-badge-lang">{rule.language === "typescript" ? "TypeScript" : rule.language === "python" ? "Python" : "JavaScript"}</span> : "—"}</td>
      <td className="rb-num">
        {rule.latestVersion === null ? "—" : `v${rule.latestVersion}`}
        {rule.publishedVersion == null ? (
          rule.latestVersion !== null && (
            <span className="rb-badge rb-badge-not-live" style={{ marginLeft: 6 }} title="No version is live: /execute answers “not published”">
              not live
            </span>
          )
        ) : (
          <span className={`rb-badge ${rule.publishedVersion === rule.latestVersion ? "rb-badge-live" : "rb-badge-not-live"}`} style={{ marginLeft: 6 }} title={`Callers get v${rule.publishedVersion}`}>
            live v{rule.publishedVersion}
          </span>
        )}
      </td>
      <td>
        <TimeAgo iso={rule.updatedAt} />
      </td>
      <td>
        <div className="rb-row-actions">
          {can("author") && !editing && !rule.archived && (
            <button type="button" className="rb-btn rb-btn-sm" aria-label={`Rename ${rule.name}`} onClick={() => setEditing(true)}>
              Rename
            </button>
          )}
          {can("publisher") &&
            (rule.archived ? (
              <button type="button" className="rb-btn rb-btn-sm" aria-label={`Restore ${rule.name}`} onClick={props.onRestore}>
                Restore
              </button>
            ) : (
              <button type="button" className="rb-btn rb-btn-sm rb-btn-danger" aria-label={`Archive ${rule.name}`} onClick={props.onArchive}>
                Archive
              </button>
            ))}
        </div>
      </td>
    </tr>
  );
}
