// Occupancy: who uses how many GPUs, CPUs, memory and storage right now, by pool or by user.
import { Fragment, useState } from 'react';
import type { TaskStatus } from '../../../src/core/statuses.js';
import { PRIORITIES } from '../../../src/core/statuses.js';
import type { TaskUsage } from '../api/types.js';
import { useApi } from '../api/use-api.js';
import { FilterBar } from '../components/filter-bar.js';
import { chipText, parseChips } from '../filters.js';
import type { Chip } from '../filters.js';
import { groupUsage, totalUsage } from '../occupancy.js';
import type { GroupBy, UsageTotals } from '../occupancy.js';
import { Link, navigate, useLocation, withParams } from '../router.js';

/** Tasks holding resources, and tasks waiting for them: what upstream's page counts. */
const RUNNING: readonly TaskStatus[] = ['INITIALIZING', 'RUNNING'];
const QUEUED: readonly TaskStatus[] = ['SUBMITTING', 'WAITING', 'PROCESSING', 'SCHEDULING'];
const SCOPES = [
  ['running', 'Running', RUNNING],
  ['queued', 'Queued', QUEUED],
  ['all', 'Running and queued', [...RUNNING, ...QUEUED]],
] as const;
/** Only these chips narrow the usage; the others mean nothing for tasks. */
const USAGE_FIELDS = new Set(['pool', 'user', 'priority']);

const round = (n: number): string => (Math.round(n * 10) / 10).toString();

export function OccupancyPage() {
  const location = useLocation();
  const by: GroupBy = location.params.get('groupBy') === 'user' ? 'user' : 'pool';
  const scope = SCOPES.find(([id]) => id === location.params.get('status')) ?? SCOPES[0];
  const chips = parseChips(location.params.getAll('f')).filter((c) => USAGE_FIELDS.has(c.field));
  const of = (field: string): string[] => chips.filter((c) => c.field === field).map((c) => c.value);
  const users = of('user');
  const pools = of('pool');
  const priorities = of('priority')
    .map((p) => p.toUpperCase())
    .filter((p) => (PRIORITIES as readonly string[]).includes(p));
  const usage = useApi<{ summaries: TaskUsage[] }>('/api/task', {
    query: {
      summary: true,
      statuses: scope[2],
      ...(users.length > 0 ? { users } : { all_users: true }),
      ...(pools.length > 0 ? { pools } : { all_pools: true }),
      ...(priorities.length > 0 ? { priority: priorities } : {}),
    },
    intervalMs: 30_000,
  });
  const rows = usage.data?.summaries ?? [];
  const groups = groupUsage(rows, by);
  const total = totalUsage(rows);
  const [open, setOpen] = useState<ReadonlySet<string>>(new Set());
  const toggle = (name: string): void => {
    const next = new Set(open);
    if (next.has(name)) next.delete(name);
    else next.add(name);
    setOpen(next);
  };
  const setChips = (next: Chip[]): void => {
    const params = new URLSearchParams(location.params);
    params.delete('f');
    for (const c of next) params.append('f', chipText(c));
    const text = params.toString();
    navigate(text === '' ? location.path : `${location.path}?${text}`);
  };
  return (
    <section className="page">
      <h1>Occupancy</h1>
      <div className="cards">
        {(
          [
            ['GPUs', round(total.gpu)],
            ['CPUs', round(total.cpu)],
            ['Memory (GiB)', round(total.memory)],
            ['Storage (GiB)', round(total.storage)],
          ] as const
        ).map(([label, value]) => (
          <div key={label} className="card" data-card={label}>
            <span className="card-value">{usage.data ? value : '…'}</span>
            <span className="card-label">{label}</span>
          </div>
        ))}
      </div>
      <div className="toolbar">
        {(['pool', 'user'] as const).map((g) => (
          <Link
            key={g}
            to={withParams(location, { groupBy: g === 'pool' ? null : g })}
            replace
            className={by === g ? 'active' : ''}
          >
            By {g}
          </Link>
        ))}
        <span className="spacer" />
        {SCOPES.map(([id, label]) => (
          <Link
            key={id}
            to={withParams(location, { status: id === 'running' ? null : id })}
            replace
            className={scope[0] === id ? 'active' : ''}
          >
            {label}
          </Link>
        ))}
        <button type="button" onClick={() => setOpen(new Set(groups.map((g) => g.name)))}>
          Expand all
        </button>
        <button type="button" onClick={() => setOpen(new Set())}>
          Collapse all
        </button>
        <button type="button" onClick={usage.reload}>
          Refresh
        </button>
      </div>
      <FilterBar
        chips={chips}
        onChange={setChips}
        presets={[]}
        placeholder="Filter: pool:default, user:alice, priority:LOW"
      />
      {usage.error !== null ? <p className="error">{usage.error}</p> : null}
      <table className="table" aria-label="Occupancy">
        <thead>
          <tr>
            <th>{by === 'pool' ? 'Pool / user' : 'User / pool'}</th>
            <th>GPU</th>
            <th>CPU</th>
            <th>Memory (GiB)</th>
            <th>Storage (GiB)</th>
            <th>GPU by priority (HIGH / NORMAL / LOW)</th>
          </tr>
        </thead>
        <tbody>
          {groups.map((g) => (
            <Fragment key={g.name}>
              <tr data-occupancy={g.name} className="parent-row">
                <td>
                  <button
                    type="button"
                    className="linkish"
                    aria-expanded={open.has(g.name)}
                    onClick={() => toggle(g.name)}
                  >
                    {open.has(g.name) ? '▾' : '▸'} {g.name}
                  </button>{' '}
                  <span className="muted">({g.children.length})</span>
                </td>
                <UsageCells totals={g} />
              </tr>
              {open.has(g.name)
                ? g.children.map((c) => (
                    <tr key={c.name} data-occupancy-child={`${g.name}/${c.name}`} className="child-row">
                      <td>
                        <Link
                          to={`/workflows?all=true&f=${encodeURIComponent(`${by === 'pool' ? 'user' : 'pool'}:${c.name}`)}&f=${encodeURIComponent(`${by}:${g.name}`)}&f=status%3Arunning`}
                        >
                          {c.name}
                        </Link>
                      </td>
                      <UsageCells totals={c} />
                    </tr>
                  ))
                : null}
            </Fragment>
          ))}
        </tbody>
      </table>
      {usage.data && rows.length === 0 ? <p className="muted">Nothing is {scope[1].toLowerCase()}.</p> : null}
    </section>
  );
}

function UsageCells({ totals }: { totals: UsageTotals }) {
  const p = totals.gpuByPriority;
  return (
    <>
      <td data-testid="gpu">{round(totals.gpu)}</td>
      <td>{round(totals.cpu)}</td>
      <td>{round(totals.memory)}</td>
      <td>{round(totals.storage)}</td>
      <td>
        {round(p.HIGH)} / {round(p.NORMAL)} / {round(p.LOW)}
      </td>
    </>
  );
}
