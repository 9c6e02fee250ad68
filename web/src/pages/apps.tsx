// Apps: yours by default or everyone's, newest first, found by name; each opens its versions, spec and submit form.
import { NameSearch } from '../components/name-search.js';
import type { AppListEntry } from '../api/types.js';
import { useApi } from '../api/use-api.js';
import { formatTime } from '../format.js';
import { Link, navigate, useLocation, withParams } from '../router.js';

const PAGE_SIZE = 50;

export function AppsPage() {
  const location = useLocation();
  const all = location.params.get('all') === 'true';
  const name = location.params.get('name') ?? '';
  const offset = Math.max(0, Number(location.params.get('offset') ?? 0) || 0);
  const list = useApi<{ apps: AppListEntry[]; more_entries: boolean }>('/api/app', {
    query: {
      all_users: all,
      offset,
      limit: PAGE_SIZE,
      order: 'DESC',
      ...(name === '' ? {} : { name }),
    },
  });
  const apps = list.data?.apps ?? [];
  return (
    <section className="page">
      <h1>Apps</h1>
      <div className="toolbar">
        <Link to={withParams(location, { all: null, offset: null })} className={all ? '' : 'active'}>
          My apps
        </Link>
        <Link to={withParams(location, { all: 'true', offset: null })} className={all ? 'active' : ''}>
          All apps
        </Link>
        <NameSearch
          label="App name contains"
          initial={name}
          onFind={(found) => navigate(withParams(location, { name: found, offset: null }))}
        />
      </div>
      {list.error !== null ? <p className="error">{list.error}</p> : null}
      <table className="table" aria-label="Apps">
        <thead>
          <tr>
            <th>Name</th>
            <th>Description</th>
            <th>Owner</th>
            <th>Latest version</th>
            <th>Created</th>
          </tr>
        </thead>
        <tbody>
          {apps.map((a) => (
            <tr key={a.uuid} data-app={a.name}>
              <td>
                <Link to={`/apps/${encodeURIComponent(a.name)}`}>{a.name}</Link>
              </td>
              <td>{a.description}</td>
              <td>{a.owner}</td>
              <td>{a.latest_version ?? '—'}</td>
              <td>{formatTime(a.created_date)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {list.data && apps.length === 0 ? (
        <p className="muted">
          No apps{all ? '' : ' of yours'} here. Create one with <code>osmo app create</code>
          {all ? '' : ', or look at all apps'}.
        </p>
      ) : null}
      <Pager
        offset={offset}
        more={list.data?.more_entries ?? false}
        to={(o) => withParams(location, { offset: o === 0 ? null : String(o) })}
      />
    </section>
  );
}

export function Pager({
  offset,
  more,
  to,
  size = PAGE_SIZE,
}: {
  offset: number;
  more: boolean;
  to: (offset: number) => string;
  size?: number;
}) {
  if (offset === 0 && !more) return null;
  return (
    <nav className="toolbar" aria-label="Pages">
      {offset > 0 ? <Link to={to(Math.max(0, offset - size))}>‹ Newer</Link> : null}
      {more ? <Link to={to(offset + size)}>Older ›</Link> : null}
    </nav>
  );
}
