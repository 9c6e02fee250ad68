// Pools: GPU quota used and free (HIGH and NORMAL work counts against quota), capacity, platforms, backend.
import type { PoolEntry, PoolQuota } from '../api/types.js';
import { useApi } from '../api/use-api.js';
import { Link, useLocation, withParams } from '../router.js';

const num = (s: string): number => Number(s) || 0;

function Bar({ used, total, label }: { used: number; total: number; label: string }) {
  const share = total <= 0 ? 0 : Math.min(1, used / total);
  return (
    <div
      className="bar"
      role="meter"
      aria-label={label}
      aria-valuenow={used}
      aria-valuemin={0}
      aria-valuemax={total}
    >
      <div className={`bar-fill${share > 0.9 ? ' full' : ''}`} style={{ width: `${share * 100}%` }} />
      <span>
        {used} / {total}
      </span>
    </div>
  );
}

export function PoolsPage() {
  const location = useLocation();
  const quota = useApi<PoolQuota>('/api/pool_quota', { intervalMs: 30_000 });
  const pools = (quota.data?.node_sets.flatMap((s) => s.pools) ?? []).sort((a, b) =>
    a.name.localeCompare(b.name),
  );
  const sum = quota.data?.resource_sum;
  const view = location.params.get('view');
  const open = pools.find((p) => p.name === view) ?? null;
  return (
    <section className="page">
      <h1>Pools</h1>
      {quota.error !== null ? <p className="error">{quota.error}</p> : null}
      {sum ? (
        <div className="cards">
          <div className="card">
            <span className="card-label">GPU quota</span>
            <Bar used={num(sum.quota_used)} total={num(sum.quota_limit)} label="GPU quota used" />
            <span className="muted">{sum.quota_free} free</span>
          </div>
          <div className="card">
            <span className="card-label">GPU capacity</span>
            <Bar used={num(sum.total_usage)} total={num(sum.total_capacity)} label="GPU capacity used" />
            <span className="muted">{sum.total_free} free</span>
          </div>
        </div>
      ) : null}
      <p className="muted">
        Quota counts HIGH and NORMAL priority work. LOW priority work may use free capacity beyond the quota,
        and may be preempted when quota work needs it.
      </p>
      <table className="table" aria-label="Pools">
        <thead>
          <tr>
            <th>Pool</th>
            <th>Status</th>
            <th>Description</th>
            <th>Quota used</th>
            <th>Quota free</th>
            <th>Capacity used</th>
            <th>Capacity free</th>
            <th>Platforms</th>
            <th>Backend</th>
          </tr>
        </thead>
        <tbody>
          {pools.map((p) => (
            <tr key={p.name} data-pool={p.name}>
              <td>
                <Link to={withParams(location, { view: p.name })}>{p.name}</Link>
              </td>
              <td>{p.status}</td>
              <td>{p.description}</td>
              <td>
                <Bar
                  used={num(p.resource_usage.quota_used)}
                  total={num(p.resource_usage.quota_limit)}
                  label="Quota"
                />
              </td>
              <td data-testid="quota-free">{p.resource_usage.quota_free}</td>
              <td>
                <Bar
                  used={num(p.resource_usage.total_usage)}
                  total={num(p.resource_usage.total_capacity)}
                  label="Capacity"
                />
              </td>
              <td data-testid="capacity-free">{p.resource_usage.total_free}</td>
              <td>{Object.keys(p.platforms).join(', ')}</td>
              <td>{p.backend}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {open ? <PoolPanel pool={open} onClose={withParams(location, { view: null })} /> : null}
    </section>
  );
}

function PoolPanel({ pool, onClose }: { pool: PoolEntry; onClose: string }) {
  return (
    <aside className="side-sheet" aria-label={`Pool ${pool.name}`}>
      <Link to={onClose} className="close" aria-label="Close">
        ×
      </Link>
      <h2>{pool.name}</h2>
      <p>{pool.description}</p>
      <ul className="plain">
        <li>
          <Link to={`/resources?pool=${encodeURIComponent(pool.name)}`}>Resources in this pool</Link>
        </li>
        <li>
          <Link to={`/workflows?all=true&f=${encodeURIComponent(`pool:${pool.name}`)}`}>
            Workflows in this pool
          </Link>
        </li>
      </ul>
      <dl className="details">
        <dt>Default platform</dt>
        <dd>{pool.default_platform ?? '—'}</dd>
        <dt>Platforms</dt>
        <dd>
          {Object.entries(pool.platforms).map(([name, pl]) => (
            <div key={name}>
              <strong>{name}</strong> {pl.description}
            </div>
          ))}
        </dd>
      </dl>
    </aside>
  );
}
