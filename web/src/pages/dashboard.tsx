// The dashboard: your running, waiting and failed work, recent workflows and pool availability.
import type { PoolQuota, WorkflowList } from '../api/types.js';
import { useApi } from '../api/use-api.js';
import { StatusBadge } from '../components/status-badge.js';
import { workflowStatusesIn } from '../status.js';
import { useMe } from '../me.js';
import { Link } from '../router.js';

/** Counts are read from one page of this size: more shows as "1000+", so a huge store costs one query. */
const COUNT_LIMIT = 1000;

function useCount(user: string, statuses: readonly string[], since: string | null): string {
  const page = useApi<WorkflowList>('/api/workflow', {
    query: {
      users: [user],
      statuses,
      limit: COUNT_LIMIT,
      ...(since === null ? {} : { submitted_after: since }),
    },
    intervalMs: 60_000,
  });
  if (!page.data) return page.error === null ? '…' : '?';
  return `${page.data.workflows.length}${page.data.more_entries ? '+' : ''}`;
}

// The 24-hour window moves once a minute, so the query (and its cache key) is stable in between.
const dayAgo = (): string => new Date(Math.floor(Date.now() / 60_000) * 60_000 - 86_400_000).toISOString();

export function DashboardPage() {
  const me = useMe();
  const since = dayAgo();
  const running = useCount(me.user, ['RUNNING'], null);
  const waiting = useCount(me.user, workflowStatusesIn('waiting'), null);
  const completed = useCount(me.user, ['COMPLETED'], since);
  const failed = useCount(me.user, workflowStatusesIn('failed'), since);
  const recent = useApi<WorkflowList>('/api/workflow', {
    query: { users: [me.user], limit: 5, order: 'DESC' },
    intervalMs: 30_000,
  });
  const quota = useApi<PoolQuota>('/api/pool_quota', { intervalMs: 60_000 });
  const pools = quota.data?.node_sets.flatMap((s) => s.pools) ?? [];
  const online = pools.filter((p) => p.status === 'ONLINE').length;
  const cards: [string, string, string][] = [
    ['Running', running, '/workflows?f=status:RUNNING'],
    ['Waiting', waiting, '/workflows?f=status:waiting'],
    ['Completed (24h)', completed, '/workflows?f=status:COMPLETED'],
    ['Failed (24h)', failed, '/workflows?f=status:failed'],
    ['Pools online', quota.data ? `${online}/${pools.length}` : '…', '/pools'],
  ];
  return (
    <section className="page">
      <h1>Dashboard</h1>
      <div className="cards">
        {cards.map(([label, value, to]) => (
          <Link key={label} to={to} className="card" data-card={label}>
            <span className="card-value">{value}</span>
            <span className="card-label">{label}</span>
          </Link>
        ))}
      </div>
      <h2>Recent workflows</h2>
      {recent.error !== null ? <p className="error">{recent.error}</p> : null}
      <ul className="plain recent">
        {(recent.data?.workflows ?? []).map((w) => (
          <li key={w.workflow_uuid}>
            <Link to={`/workflows/${encodeURIComponent(w.name)}`}>{w.name}</Link>{' '}
            <StatusBadge status={w.status} /> <span className="muted">{w.user}</span>
          </li>
        ))}
        {recent.data && recent.data.workflows.length === 0 ? (
          <li className="muted">No workflows yet: submit one with the + button or `osmo workflow submit`.</li>
        ) : null}
      </ul>
      <Link to="/workflows">View all</Link>
      <h2>Pools</h2>
      <table className="table" aria-label="Pool availability">
        <thead>
          <tr>
            <th>Pool</th>
            <th>Status</th>
            <th>GPU quota free</th>
            <th>GPU capacity free</th>
          </tr>
        </thead>
        <tbody>
          {pools.map((p) => (
            <tr key={p.name}>
              <td>{p.name}</td>
              <td>{p.status}</td>
              <td>{p.resource_usage.quota_free}</td>
              <td>{p.resource_usage.total_free}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
