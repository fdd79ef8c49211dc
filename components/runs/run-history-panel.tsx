"use client";

// Every recorded run of the rule, newest first, filterable by outcome and paged by cursor.
import { useCallback, useEffect, useState } from "react";
import { outcomeSchema, type Outcome } from "@/server/contracts/run";
import { api, type RunSummary } from "@/components/lib/api-client";
import { useAction } from "@/components/lib/use-action";
import { ErrorAlert } from "@/components/ui/error-alert";
import { TimeAgo } from "@/components/ui/time-ago";
import { formatDuration } from "@/components/lib/format";
import { OUTCOME_LABELS, OutcomeBadge } from "@/components/workspace/result-view";

const PAGE_SIZE = 20;

export function RunHistoryPanel(props: { ruleId: string; refreshToken: number; onOpen: (runId: string) => void }) {
  const [outcome, setOutcome] = useState<Outcome | "">("");
  const [runs, setRuns] = useState<RunSummary[] | null>(null);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loadingMore, perform] = useAction(setError);

  const loadFirst = useCallback(async () => {
    try {
      const page = await api.listRuns(props.ruleId, { outcome: outcome || undefined, limit: PAGE_SIZE });
      setRuns(page.runs);
      setNextCursor(page.nextCursor);
      setError(null);
    } catch (err) {
      setError(err);
    }
  }, [props.ruleId, outcome]);

  useEffect(() => {
    void loadFirst();
  }, [loadFirst, props.refreshToken]);

  const loadMore = () =>
    nextCursor
      ? perform(async () => {
          const page = await api.listRuns(props.ruleId, { outcome: outcome || undefined, cursor: nextCursor, limit: PAGE_SIZE });
          setRuns((rs) => [...(rs ?? []), ...page.runs]);
          setNextCursor(page.nextCursor);
        })
      : Promise.resolve();


  return (
    <div className="rb-stack">
      <div className="rb-row">
        <label className="rb-row" style={{ gap: 6 }}>
          <span className="rb-muted">Outcome</span>
          <select className="rb-select" aria-label="Filter by outcome" value={outcome} onChange={(e) => setOutcome(e.target.value as Outcome | "")}>
            <option value="">All</option>
            {outcomeSchema.options.map((o) => (
              <option key={o} value={o}>
                {OUTCOME_LABELS[o]}
              </option>
            ))}
          </select>
        </label>
        <span className="rb-spacer" />
        <button type="button" className="rb-btn rb-btn-sm" onClick={() => void loadFirst()}>
          Refresh
        </button>
      </div>
      {error !== null && <ErrorAlert error={error} onDismiss={() => setError(null)} />}
      {runs === null ? (
        <p className="rb-muted">Loading runs…</p>
      ) : runs.length === 0 ? (
        <p className="rb-muted">{outcome ? `No ${OUTCOME_LABELS[outcome]} runs.` : "No runs yet. Run the rule with Ctrl+Enter."}</p>
      ) : (
        <div className="rb-card" style={{ overflow: "auto" }}>
          <table className="rb-table" aria-label="Run history">
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Version</th>
                <th scope="col">Outcome</th>
                <th scope="col" className="rb-num">
                  Duration
                </th>
              </tr>
            </thead>
            <tbody>
              {runs.map((r) => (
                <tr key={r.id}>
                  <td>
                    <button type="button" className="rb-btn rb-btn-ghost rb-btn-sm" style={{ paddingLeft: 0 }} onClick={() => props.onOpen(r.id)} aria-label={`Open run ${r.id}`}>
                      <TimeAgo iso={r.createdAt} />
                    </button>
                  </td>
                  <td>{r.version === null || r.version === undefined ? <span className="rb-muted">working copy</span> : `v${r.version}`}</td>
                  <td>
                    <OutcomeBadge outcome={r.outcome} />
                    {r.source === "api" && (
                      <span className="rb-badge" style={{ marginLeft: 4 }} title="Started through the execute API">
                        api
                      </span>
                    )}
                  </td>
                  <td className="rb-num">{formatDuration(r.durationMs)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {nextCursor && (
        <button type="button" className="rb-btn rb-btn-sm" onClick={() => void loadMore()} disabled={loadingMore}>
          {loadingMore ? "Loading…" : "Load more"}
        </button>
      )}
    </div>
  );
}
