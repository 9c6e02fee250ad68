// One app: its versions, the spec of the chosen one, and a form that submits it with values, as `osmo app submit`.
import { useEffect, useState } from 'react';
import { apiText } from '../api/client.js';
import { submitSpec, verdictText } from '../api/submit.js';
import type { SubmitMode } from '../api/submit.js';
import type { AppInfo } from '../api/types.js';
import { useApi } from '../api/use-api.js';
import { PoolPriority, SetValues, SubmitAnswer, useDefaultPool } from '../components/pool-priority.js';
import { Tabs, pickTab } from '../components/tabs.js';
import { formatTime } from '../format.js';
import { Link, navigate, useLocation, withParams } from '../router.js';
import { defaultValues, parseValues } from '../submit-values.js';

const TABS = [
  ['versions', 'Versions'],
  ['spec', 'Spec'],
  ['submit', 'Submit'],
] as const;
/** Versions listed on the page; older ones are reached with `osmo app info`. */
const VERSION_LIMIT = 100;

export function AppDetailPage({ name }: { name: string }) {
  const location = useLocation();
  const path = `/api/app/user/${encodeURIComponent(name)}`;
  const info = useApi<AppInfo>(path, { query: { limit: VERSION_LIMIT, order: 'DESC' } });
  const tab = pickTab(location.params.get('tab'), TABS, 'versions');
  const app = info.data;
  const ready = app?.versions.filter((v) => v.status === 'READY') ?? [];
  const asked = Number(location.params.get('version'));
  const version = ready.find((v) => v.version === asked)?.version ?? ready[0]?.version ?? null;
  return (
    <section className="page">
      <nav className="breadcrumb" aria-label="Breadcrumb">
        <Link to="/apps">Apps</Link> › <span>{name}</span>
      </nav>
      <h1>{name}</h1>
      {info.error !== null ? <p className="error">{info.error}</p> : null}
      {app ? (
        <>
          <p>{app.description}</p>
          <dl className="details">
            <dt>Owner</dt>
            <dd>{app.owner}</dd>
            <dt>Created</dt>
            <dd>{formatTime(app.created_date)}</dd>
            <dt>Workflows</dt>
            <dd>
              <Link to={`/workflows?all=true&f=${encodeURIComponent(`app:${app.name}`)}`}>
                Workflows launched from this app
              </Link>
            </dd>
          </dl>
          <Tabs param="tab" tabs={TABS} current={tab} fallback="versions" />
          {tab === 'versions' ? (
            <table className="table" aria-label="Versions">
              <thead>
                <tr>
                  <th>Version</th>
                  <th>Status</th>
                  <th>Created by</th>
                  <th>Created</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {app.versions.map((v) => (
                  <tr key={v.version} data-version={v.version}>
                    <td>{v.version}</td>
                    <td>{v.status}</td>
                    <td>{v.created_by}</td>
                    <td>{formatTime(v.created_date)}</td>
                    <td>
                      {v.status === 'READY' ? (
                        <>
                          <Link
                            to={withParams(location, { tab: 'spec', version: String(v.version) })}
                            replace
                          >
                            Spec
                          </Link>{' '}
                          <Link
                            to={withParams(location, { tab: 'submit', version: String(v.version) })}
                            replace
                          >
                            Submit
                          </Link>
                        </>
                      ) : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : null}
          {tab !== 'versions' && version === null ? (
            <p className="muted">This app has no ready version.</p>
          ) : null}
          {tab !== 'versions' && version !== null ? (
            <VersionPicker
              versions={ready.map((v) => v.version)}
              current={version}
              onPick={(v) => navigate(withParams(location, { version: String(v) }), { replace: true })}
            />
          ) : null}
          {tab !== 'versions' && version !== null ? (
            <AppVersion key={version} path={path} app={app} version={version} submitting={tab === 'submit'} />
          ) : null}
        </>
      ) : null}
    </section>
  );
}

function VersionPicker({
  versions,
  current,
  onPick,
}: {
  versions: readonly number[];
  current: number;
  onPick: (version: number) => void;
}) {
  return (
    <label>
      Version{' '}
      <select aria-label="Version" value={current} onChange={(e) => onPick(Number(e.target.value))}>
        {versions.map((v) => (
          <option key={v} value={v}>
            {v}
          </option>
        ))}
      </select>
    </label>
  );
}

function AppVersion({
  path,
  app,
  version,
  submitting,
}: {
  path: string;
  app: AppInfo;
  version: number;
  submitting: boolean;
}) {
  const [spec, setSpec] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const abort = new AbortController();
    apiText(`${path}/spec`, { query: { version }, signal: abort.signal })
      .then(setSpec)
      .catch((err: unknown) => {
        if (!abort.signal.aborted) setError(err instanceof Error ? err.message : String(err));
      });
    return () => abort.abort();
  }, [path, version]);
  if (error !== null) return <p className="error">{error}</p>;
  if (spec === null) return <p className="muted">Loading…</p>;
  if (!submitting) return <pre aria-label="App spec">{spec}</pre>;
  return <AppSubmitForm app={app} version={version} spec={spec} />;
}

function AppSubmitForm({ app, version, spec }: { app: AppInfo; version: number; spec: string }) {
  const defaults = defaultValues(spec);
  const [values, setValues] = useState('');
  const [pool, setPool] = useState(useDefaultPool());
  const [priority, setPriority] = useState('NORMAL');
  const [verdict, setVerdict] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const send = async (mode: SubmitMode): Promise<void> => {
    setBusy(true);
    setError(null);
    setVerdict(null);
    try {
      const result = await submitSpec({
        pool,
        priority,
        spec,
        values: parseValues(values),
        mode,
        query: { app_uuid: app.uuid, app_version: version },
      });
      if (mode === 'submit') navigate(`/workflows/${encodeURIComponent(result.name)}`);
      else setVerdict(verdictText(mode, result));
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form
      className="stacked-form"
      aria-label="Submit app"
      onSubmit={(e) => {
        e.preventDefault();
        void send('submit');
      }}
    >
      {defaults.length > 0 ? (
        <div>
          Values this app takes (defaults):{' '}
          {defaults.map(([k, v]) => (
            <span key={k} className="chip">
              {k}={v}
            </span>
          ))}
        </div>
      ) : null}
      <SetValues value={values} onChange={setValues} rows={3} />
      <PoolPriority pool={pool} priority={priority} onPool={setPool} onPriority={setPriority} />
      <SubmitAnswer error={error} verdict={verdict} />
      <div className="toolbar">
        <button type="button" disabled={busy} onClick={() => void send('dry_run')}>
          Dry run
        </button>
        <button type="submit" className="primary" disabled={busy}>
          Submit {app.name}:{version}
        </button>
      </div>
    </form>
  );
}
