"use client";

// The audit trail (admin): every change and sign-in, newest first, filtered by actor, rule, action
// and time, paged by the API's cursor ("Load more"). Read-only: nothing in the app edits the trail.
import Link from "next/link";
import { useState, type FormEvent } from "react";
import { api, type AuditEvent, type AuditQuery } from "@/components/lib/api-client";
import { useAction } from "@/components/lib/use-action";
import { ErrorAlert } from "@/components/ui/error-alert";
import { TimeAgo } from "@/components/ui/time-ago";

type Filters = { actor: string; ruleId: string; action: string; since: string; until: string };
const NO_FILTERS: Filters = { actor: "", ruleId: "", action: "", since: "", until: "" };

/** A datetime-local value (the viewer's local time) as the ISO instant the API takes. */
function toIso(local: string): string | undefined {
  if (!local) return undefined;
  const date = new Date(local);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

function toQuery(f: Filters): AuditQuery {
  return { actor: f.actor.trim() || undefined, ruleId: f.ruleId.trim() || undefined, action: f.action || undefined, since: toIso(f.since), until: toIso(f.until) };
}

export function AuditPanel({ actions, pageSize, initial }: { actions: readonly string[]; pageSize: number; initial: { events: AuditEvent[]; nextCursor: string | null } }) {
  const [draft, setDraft] = useState<Filters>(NO_FILTERS);
  const [applied, setApplied] = useState<Filters>(NO_FILTERS);
  const [events, setEvents] = useState(initial.events);
  const [nextCursor, setNextCursor] = useState(initial.nextCursor);
  const [error, setError] = useState<unknown>(null);
  const [loading, perform] = useAction(setError);

  const load = (filters: Filters) =>
    perform(async () => {
      const page = await api.listAudit({ ...toQuery(filters), limit: pageSize });
      setApplied(filters);
      setEvents(page.events);
      setNextCursor(page.nextCursor);
    });

  const loadMore = () =>
    perform(async () => {
      if (!nextCursor) return;
      const page = await api.listAudit({ ...toQuery(applied), cursor: nextCursor, limit: pageSize });
      setEvents((es) => [...es, ...page.events]);
      setNextCursor(page.nextCursor);
    });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void load(draft);
  };
  const field = (key: keyof Filters) => ({ value: draft[key], onChange: (e: { target: { value: string } }) => setDraft((d) => ({ ...d, [key]: e.target.value })) });
  const filtered = Object.values(applied).some((v) => v !== "");

  return (
    <div className="rb-home rb-home-wide">
      <div className="rb-home-top">
        <div>
          <h1>Audit trail</h1>
          <p className="rb-muted" style={{ margin: "4px 0 0" }}>
            Every change and sign-in, with who, what, when and from where. Append-only: nobody can edit or delete it. Also at <code>GET /api/audit</code>.
          </p>
        </div>
      </div>

      <form className="rb-card rb-create rb-create-wrap" onSubmit={submit} aria-label="Filter audit events">
        <label className="rb-field">
          <span>Actor</span>
          <input className="rb-input" placeholder="email or user id" maxLength={254} {...field("actor")} />
        </label>
        <label className="rb-field">
          <span>Rule id</span>
          <input className="rb-input" placeholder="rule id" maxLength={100} {...field("ruleId")} />
        </label>
        <label className="rb-field">
          <span>Action</span>
          <select className="rb-select" {...field("action")}>
            <option value="">Any action</option>
            {actions.map((a) => (
              <option key={a} value={a}>
                {a}
              </option>
            ))}
          </select>
        </label>
        <label className="rb-field">
          <span>Since</span>
          <input className="rb-input" type="datetime-local" {...field("since")} />
        </label>
        <label className="rb-field">
          <span>Until</span>
          <input className="rb-input" type="datetime-local" {...field("until")} />
        </label>
        <div className="rb-row">
          <button type="submit" className="rb-btn rb-btn-primary" disabled={loading}>
            Apply filters
          </button>
          <button
            type="button"
            className="rb-btn"
            disabled={loading || (!filtered && Object.values(draft).every((v) => v === ""))}
            onClick={() => {
              setDraft(NO_FILTERS);
              void load(NO_FILTERS);
            }}
          >
            Clear
          </button>
        </div>
      </form>

      {error !== null && <ErrorAlert error={error} onDismiss={() => setError(null)} />}

      <div className="rb-card" style={{ overflow: "auto" }}>
        <table className="rb-table" aria-label="Audit events" aria-busy={loading}>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Actor</th>
              <th scope="col">Action</th>
              <th scope="col">Target</th>
              <th scope="col">What happened</th>
              <th scope="col">Client</th>
            </tr>
          </thead>
          <tbody>
            {events.map((e) => (
              <tr key={e.id}>
                <td title={new Date(e.createdAt).toLocaleString()}>
                  <TimeAgo iso={e.createdAt} />
                </td>
                <td>{e.actorEmail ?? e.actorId ?? <span className="rb-muted">—</span>}</td>
                <td>
                  <code className={`rb-audit-action${e.action.endsWith("_failed") ? " rb-audit-failed" : ""}`}>{e.action}</code>
                </td>
                <td>
                  {e.ruleId ? (
                    <Link href={`/rules/${e.ruleId}`} title={`Rule ${e.ruleId}`}>
                      {e.targetType}
                    </Link>
                  ) : (
                    <span title={e.targetId ?? undefined}>{e.targetType}</span>
                  )}
                </td>
                <td className="rb-audit-summary">{e.summary}</td>
                <td>
                  <code className="rb-muted">{e.ip || "—"}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {events.length === 0 && <p className="rb-empty">{filtered ? "No event matches these filters." : "No events yet."}</p>}
      </div>
      <div className="rb-row" style={{ justifyContent: "center" }}>
        {nextCursor ? (
          <button type="button" className="rb-btn" disabled={loading} onClick={() => void loadMore()}>
            {loading ? "Loading…" : "Load more"}
          </button>
        ) : (
          events.length > 0 && <span className="rb-muted">That is every matching event.</span>
        )}
      </div>
    </div>
  );
}
