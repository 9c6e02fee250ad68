// One dataset: labels, its versions with tags, and the files of the chosen version; a collection lists its members.
import { useState } from 'react';
import type { DatasetInfo, DatasetVersionEntry, ManifestEntry } from '../api/types.js';
import { useApi } from '../api/use-api.js';
import { formatBytes, formatTime } from '../format.js';
import { Link, navigate, useLocation, withParams } from '../router.js';
import { datasetPath } from './datasets.js';

/** Files drawn at once; a filter finds the rest. */
const FILES_SHOWN = 500;
const VERSION_LIMIT = 1000;

export function DatasetDetailPage({ bucket, name }: { bucket: string; name: string }) {
  const location = useLocation();
  const base = `/api/bucket/${encodeURIComponent(bucket)}/dataset/${encodeURIComponent(name)}`;
  const info = useApi<DatasetInfo>(`${base}/info`, { query: { count: VERSION_LIMIT, order: 'DESC' } });
  const data = info.data;
  // A tag (`?tag=gold`, as dataset outputs name them) or a version id picks the version.
  const asked = location.params.get('version') ?? location.params.get('tag');
  const chosen =
    data?.type === 'DATASET'
      ? (data.versions.find((v) => v.version === asked || (v.tags ?? []).includes(asked ?? '')) ??
        data.versions.find((v) => (v.tags ?? []).includes('latest')) ??
        data.versions[0] ??
        null)
      : null;
  const labels = Object.entries(data?.labels ?? {});
  return (
    <section className="page">
      <nav className="breadcrumb" aria-label="Breadcrumb">
        <Link to="/datasets">Datasets</Link> › <span>{bucket}</span> › <span>{name}</span>
      </nav>
      <h1>{name}</h1>
      {info.error !== null ? <p className="error">{info.error}</p> : null}
      {data ? (
        <>
          <dl className="details">
            <dt>Type</dt>
            <dd>{data.type}</dd>
            <dt>Created by</dt>
            <dd>{data.created_by}</dd>
            <dt>Created</dt>
            <dd>{formatTime(data.created_date)}</dd>
            <dt>Labels</dt>
            <dd>
              {labels.length === 0
                ? '—'
                : labels.map(([k, v]) => (
                    <span key={k} className="chip">
                      {k}={typeof v === 'string' ? v : JSON.stringify(v)}
                    </span>
                  ))}
            </dd>
          </dl>
          {data.type === 'COLLECTION' ? (
            <Members versions={data.versions} bucket={bucket} />
          ) : (
            <Versions
              versions={data.versions}
              chosen={chosen?.version ?? null}
              onPick={(v) => navigate(withParams(location, { version: v, tag: null }), { replace: true })}
            />
          )}
          {chosen ? <Files key={chosen.version} base={base} version={chosen} /> : null}
        </>
      ) : null}
    </section>
  );
}

function Versions({
  versions,
  chosen,
  onPick,
}: {
  versions: readonly DatasetVersionEntry[];
  chosen: string | null;
  onPick: (version: string) => void;
}) {
  return (
    <>
      <h2>Versions</h2>
      <table className="table" aria-label="Versions">
        <thead>
          <tr>
            <th>Version</th>
            <th>Status</th>
            <th>Tags</th>
            <th>Created by</th>
            <th>Created</th>
            <th>Last used</th>
            <th>Size</th>
            <th>Collections</th>
          </tr>
        </thead>
        <tbody>
          {versions.map((v) => (
            <tr key={v.version} data-version={v.version} className={v.version === chosen ? 'selected' : ''}>
              <td>
                <button type="button" className="linkish" onClick={() => onPick(v.version)}>
                  {v.version}
                </button>
              </td>
              <td>{v.status ?? '—'}</td>
              <td>
                {(v.tags ?? []).map((t) => (
                  <span key={t} className="chip" data-tag={t}>
                    {t}
                  </span>
                ))}
              </td>
              <td>{v.created_by ?? '—'}</td>
              <td>{formatTime(v.created_date)}</td>
              <td>{formatTime(v.last_used)}</td>
              <td>{formatBytes(v.size)}</td>
              <td>{(v.collections ?? []).join(', ') || '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

function Members({ versions, bucket }: { versions: readonly DatasetVersionEntry[]; bucket: string }) {
  return (
    <>
      <h2>Members</h2>
      <table className="table" aria-label="Members">
        <thead>
          <tr>
            <th>Dataset</th>
            <th>Version</th>
            <th>Size</th>
          </tr>
        </thead>
        <tbody>
          {versions.map((v) => (
            <tr key={`${v.name}:${v.version}`}>
              <td>
                <Link to={`${datasetPath(bucket, v.name)}?version=${encodeURIComponent(v.version)}`}>
                  {v.name}
                </Link>
              </td>
              <td>{v.version}</td>
              <td>{formatBytes(v.size)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

function Files({ base, version }: { base: string; version: DatasetVersionEntry }) {
  const ready = version.status === undefined || version.status === 'READY';
  const manifest = useApi<ManifestEntry[]>(ready ? `${base}/manifest` : null, {
    query: { version: version.version },
  });
  const [filter, setFilter] = useState('');
  const files = manifest.data ?? [];
  const term = filter.trim().toLowerCase();
  const shown = term === '' ? files : files.filter((f) => f.relative_path.toLowerCase().includes(term));
  const total = files.reduce((sum, f) => sum + f.size, 0);
  const metadata = Object.entries(version.metadata ?? {});
  return (
    <>
      <h2>
        Files of version {version.version}{' '}
        <span className="muted">
          {manifest.data
            ? `${files.length} files, ${formatBytes(total)}`
            : ready
              ? ''
              : `(${version.status})`}
        </span>
      </h2>
      {metadata.length > 0 ? (
        <p>
          {metadata.map(([k, v]) => (
            <span key={k} className="chip">
              {k}: {typeof v === 'string' ? v : JSON.stringify(v)}
            </span>
          ))}
        </p>
      ) : null}
      <p className="muted">
        <code>{version.uri}</code>
      </p>
      {manifest.error !== null ? <p className="error">{manifest.error}</p> : null}
      {files.length > 0 ? (
        <input
          type="search"
          aria-label="Filter files"
          placeholder="path contains…"
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
        />
      ) : null}
      <table className="table" aria-label="Files">
        <thead>
          <tr>
            <th>Path</th>
            <th>Size</th>
            <th>SHA-256</th>
          </tr>
        </thead>
        <tbody>
          {shown.slice(0, FILES_SHOWN).map((f) => (
            <tr key={f.relative_path} data-file={f.relative_path}>
              <td>{f.relative_path}</td>
              <td>{formatBytes(f.size)}</td>
              <td>
                <code title={f.etag}>{f.etag.slice(0, 12)}</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {shown.length > FILES_SHOWN ? (
        <p className="muted">
          {shown.length - FILES_SHOWN} more files: narrow the filter, or use <code>osmo dataset inspect</code>
          .
        </p>
      ) : null}
    </>
  );
}
