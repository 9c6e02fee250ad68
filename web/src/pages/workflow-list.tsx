// The workflow list: server-side filters, order and paging (50 rows a page), bulk cancel.
import { useState } from 'react';
import { isWorkflowFinished } from '../../../src/core/statuses.js';
import { apiJson } from '../api/client.js';
import type { WorkflowList } from '../api/types.js';
import { useApi } from '../api/use-api.js';
import { FilterBar } from '../components/filter-bar.js';
import type { Preset } from '../components/filter-bar.js';
import { PriorityBadge, StatusBadge } from '../components/status-badge.js';
import type { Chip } from '../filters.js';
import { PAGE_SIZE, listQuery, readListUrl, writeListUrl } from '../filters.js';
import { formatDuration, formatTime } from '../format.js';
import { useMe } from '../me.js';
import { Link, navigate, useLocation } from '../router.js';

/** The list refreshes itself this often (upstream's default is 2 minutes; ours is a little livelier). */
const REFRESH_MS = 30_000;

const PRESETS: readonly Preset[] = [
  { label: 'Running', chips: [{ field: 'status', value: 'running' }] },
  { label: 'Waiting', chips: [{ field: 'status', value: 'waiting' }] },
  { label: 'Completed', chips: [{ field: 'status', value: 'completed' }] },
  { label: 'Failed', chips: [{ field: 'status', value: 'failed' }] },
];

export function WorkflowListPage() {
  const me = useMe();
  const location = useLocation();
  const state = readListUrl(location.params);
  const page = useApi<WorkflowList>('/api/workflow', {
    query: listQuery(state, me.user),
    intervalMs: REFRESH_MS,
  });
  const [checked, setChecked] = useState<ReadonlySet<string>>(new Set());
  const [outcome, setOutcome] = useState<string | null>(null);
  const rows = page.data?.workflows ?? [];
  const go = (changes: Partial<typeof state>): void =>
    navigate(writeListUrl({ ...state, offset: 0, ...changes }));
  const hasUserChip = state.chips.some((c) => c.field === 'user');
  // Without user chips the view is the caller's own work, shown as a removable `user:<me>` chip;
  // removing every user chip means every user's (only admins may list those).
  const scopeChips: Chip[] =
    hasUserChip || state.all ? state.chips : [{ field: 'user', value: me.user }, ...state.chips];
  const onChips = (chips: Chip[]): void =>
    go({ chips, all: me.isAdmin && (state.all || !chips.some((c) => c.field === 'user')) });
  const cancelable = rows.filter((w) => checked.has(w.name) && !isWorkflowFinished(w.status));
  const bulkCancel = async (): Promise<void> => {
    const results = await Promise.allSettled(
      cancelable.map((w) =>
        apiJson(`/api/workflow/${encodeURIComponent(w.name)}/cancel`, { method: 'POST' }),
      ),
    );
    const failed = cancelable.filter((_, i) => results[i]?.status === 'rejected').map((w) => w.name);
    setOutcome(
      `Cancel requested for ${cancelable.length - failed.length} workflow(s)` +
        (failed.length > 0 ? `; failed for ${failed.join(', ')}.` : '.'),
    );
    setChecked(new Set(failed));
    page.reload();
  };
  return (
    <section className="page">
      <h1>Workflows</h1>
      <FilterBar chips={scopeChips} presets={PRESETS} onChange={onChips} />
      <div className="toolbar">
        <label>
          <input
            type="checkbox"
            checked={state.all && !hasUserChip}
            disabled={!me.isAdmin}
            title={me.isAdmin ? '' : 'Only admins may list the work of other users.'}
            onChange={(e) =>
              go({ all: e.target.checked, chips: state.chips.filter((c) => c.field !== 'user') })
            }
          />{' '}
          All users
        </label>
        <span className="spacer" />
        {checked.size > 0 ? (
          <span className="selection-bar">
            {checked.size} selected, {cancelable.length} cancelable
            <button
              type="button"
              className="danger"
              disabled={cancelable.length === 0}
              onClick={() => void bulkCancel()}
            >
              Cancel selected
            </button>
          </span>
        ) : null}
        <button type="button" onClick={page.reload}>
          Refresh
        </button>
      </div>
      {outcome !== null ? <p className="notice">{outcome}</p> : null}
      {page.error !== null ? <p className="error">{page.error}</p> : null}
      <table className="table" aria-label="Workflows">
        <thead>
          <tr>
            <th>
              <input
                type="checkbox"
                aria-label="Select all on this page"
                checked={rows.length > 0 && rows.every((w) => checked.has(w.name))}
                onChange={(e) => setChecked(e.target.checked ? new Set(rows.map((w) => w.name)) : new Set())}
              />
            </th>
            <th>Name</th>
            <th>Status</th>
            <th>User</th>
            <th>
              <button
                type="button"
                className="linkish"
                onClick={() => go({ order: state.order === 'DESC' ? 'ASC' : 'DESC' })}
                aria-label="Sort by submit time"
              >
                Submitted {state.order === 'DESC' ? '↓' : '↑'}
              </button>
            </th>
            <th>Duration</th>
            <th>Pool</th>
            <th>Priority</th>
            <th>Labels</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((w) => (
            <tr key={w.workflow_uuid} data-workflow={w.name}>
              <td>
                <input
                  type="checkbox"
                  aria-label={`Select ${w.name}`}
                  checked={checked.has(w.name)}
                  onChange={(e) => {
                    const next = new Set(checked);
                    if (e.target.checked) next.add(w.name);
                    else next.delete(w.name);
                    setChecked(next);
                  }}
                />
              </td>
              <td>
                <Link to={`/workflows/${encodeURIComponent(w.name)}`}>{w.name}</Link>
              </td>
              <td>
                <StatusBadge status={w.status} />
              </td>
              <td>{w.user}</td>
              <td>{formatTime(w.submit_time)}</td>
              <td>{formatDuration(w.duration)}</td>
              <td>{w.pool ?? '—'}</td>
              <td>
                <PriorityBadge priority={w.priority} />
              </td>
              <td>
                {Object.entries(w.labels ?? {}).map(([k, v]) => (
                  <span key={k} className="chip small">
                    {k}={v}
                  </span>
                ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {page.loading ? <p className="muted">Loading…</p> : null}
      {!page.loading && rows.length === 0 && page.error === null ? (
        <p className="muted">No workflows match these filters.</p>
      ) : null}
      <div className="pager">
        <button
          type="button"
          disabled={state.offset === 0}
          onClick={() => go({ offset: Math.max(0, state.offset - PAGE_SIZE) })}
        >
          Previous
        </button>
        <span className="muted">
          {rows.length === 0 ? '' : `${state.offset + 1}–${state.offset + rows.length}`}
        </span>
        <button
          type="button"
          disabled={!page.data?.more_entries}
          onClick={() => go({ offset: state.offset + PAGE_SIZE, chips: state.chips, all: state.all })}
        >
          Next
        </button>
      </div>
    </section>
  );
}
