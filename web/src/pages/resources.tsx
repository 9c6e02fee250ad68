// Resources: each node with its pools and platforms, and its GPUs, CPUs, memory and storage as used / allocatable.
import type { ResourceEntry } from '../api/types.js';
import { useApi } from '../api/use-api.js';
import { Link, useLocation, withParams } from '../router.js';

const KIB = 1024;
const GIB = 1024 ** 3;

/** Memory arrives as `<n>Ki`, storage as bytes: both read as GiB. */
function gib(value: string | number | undefined, kind: 'memory' | 'storage'): number {
  const text = String(value ?? '0');
  const n = Number.parseFloat(text) || 0;
  if (kind === 'memory') return /Ki$/.test(text) ? (n * KIB) / GIB : n / GIB;
  return n / GIB;
}

const round = (n: number): string => (Math.round(n * 10) / 10).toString();

function cells(r: ResourceEntry): [string, string][] {
  const used = r.usage_fields ?? {};
  const alloc = r.allocatable_fields ?? {};
  return [
    ['GPU', `${used.gpu ?? 0} / ${alloc.gpu ?? 0}`],
    ['CPU', `${used.cpu ?? 0} / ${alloc.cpu ?? 0}`],
    ['Memory (GiB)', `${round(gib(used.memory, 'memory'))} / ${round(gib(alloc.memory, 'memory'))}`],
    ['Storage (GiB)', `${round(gib(used.storage, 'storage'))} / ${round(gib(alloc.storage, 'storage'))}`],
  ];
}

export function ResourcesPage() {
  const location = useLocation();
  const pool = location.params.get('pool');
  const list = useApi<{ resources: ResourceEntry[] }>('/api/resources', {
    query: pool === null ? {} : { pools: [pool], all_pools: false },
    intervalMs: 30_000,
  });
  const rows = [...(list.data?.resources ?? [])].sort((a, b) => a.hostname.localeCompare(b.hostname));
  const view = location.params.get('view');
  return (
    <section className="page">
      <h1>Resources{pool === null ? '' : ` in ${pool}`}</h1>
      {pool !== null ? <Link to={withParams(location, { pool: null })}>Show every pool</Link> : null}
      {list.error !== null ? <p className="error">{list.error}</p> : null}
      <table className="table" aria-label="Resources">
        <thead>
          <tr>
            <th>Node</th>
            <th>Type</th>
            <th>Pool / platform</th>
            <th>Backend</th>
            {['GPU', 'CPU', 'Memory (GiB)', 'Storage (GiB)'].map((h) => (
              <th key={h}>{h} used / allocatable</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => {
            const pairs = r.exposed_fields['pool/platform'];
            return (
              <tr key={r.hostname} className={view === r.hostname ? 'selected' : ''} data-node={r.hostname}>
                <td>{r.hostname}</td>
                <td>{r.resource_type}</td>
                <td>{Array.isArray(pairs) ? pairs.join(', ') : String(pairs ?? '')}</td>
                <td>{r.backend}</td>
                {cells(r).map(([k, v]) => (
                  <td key={k}>{v}</td>
                ))}
              </tr>
            );
          })}
        </tbody>
      </table>
      {list.data && rows.length === 0 ? <p className="muted">No nodes in the pools you can see.</p> : null}
    </section>
  );
}
