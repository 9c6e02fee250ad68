// Datasets and collections: yours by default or everyone's, found by name, each opening its versions and files.
import { NameSearch } from '../components/name-search.js';
import type { DatasetListEntry } from '../api/types.js';
import { useApi } from '../api/use-api.js';
import { formatBytes, formatTime } from '../format.js';
import { Link, navigate, useLocation, withParams } from '../router.js';

/** The service answers at most this many datasets a request; a name filter narrows past it. */
const LIST_LIMIT = 1000;

export const datasetPath = (bucket: string, name: string): string =>
  `/datasets/${encodeURIComponent(bucket)}/${encodeURIComponent(name)}`;

export function DatasetsPage() {
  const location = useLocation();
  const all = location.params.get('all') === 'true';
  const name = location.params.get('name') ?? '';
  const list = useApi<{ datasets: DatasetListEntry[] }>('/api/bucket/list_dataset', {
    query: { all_users: all, count: LIST_LIMIT, order: 'DESC', ...(name === '' ? {} : { name }) },
  });
  const rows = list.data?.datasets ?? [];
  return (
    <section className="page">
      <h1>Datasets</h1>
      <div className="toolbar">
        <Link to={withParams(location, { all: null })} className={all ? '' : 'active'}>
          My datasets
        </Link>
        <Link to={withParams(location, { all: 'true' })} className={all ? 'active' : ''}>
          All datasets
        </Link>
        <NameSearch
          label="Dataset name contains"
          initial={name}
          onFind={(found) => navigate(withParams(location, { name: found }))}
        />
      </div>
      {list.error !== null ? <p className="error">{list.error}</p> : null}
      <table className="table" aria-label="Datasets">
        <thead>
          <tr>
            <th>Bucket</th>
            <th>Name</th>
            <th>Type</th>
            <th>Latest version</th>
            <th>Created</th>
            <th>Last version</th>
            <th>Stored size</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((d) => (
            <tr key={d.id} data-dataset={d.name}>
              <td>{d.bucket}</td>
              <td>
                <Link to={datasetPath(d.bucket, d.name)}>{d.name}</Link>
              </td>
              <td>{d.type}</td>
              <td>{d.version_id ?? '—'}</td>
              <td>{formatTime(d.create_time)}</td>
              <td>{formatTime(d.last_created)}</td>
              <td>{d.type === 'COLLECTION' ? '—' : formatBytes(d.hash_location_size)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {list.data && rows.length === 0 ? (
        <p className="muted">
          No datasets{all ? '' : ' of yours'} here. Tasks make them with a dataset output, or upload one with{' '}
          <code>osmo dataset upload</code>.
        </p>
      ) : null}
    </section>
  );
}
