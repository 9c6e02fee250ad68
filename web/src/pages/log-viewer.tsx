// The stand-alone log viewer: one workflow's (or one task's) live log, with the workflow, task and search in the URL.
import { useEffect, useState } from 'react';
import type { WorkflowDetail } from '../api/types.js';
import { useApi } from '../api/use-api.js';
import { latestTasks } from '../components/dag.js';
import { LogView } from '../components/log-view.js';
import { StatusBadge } from '../components/status-badge.js';
import { Link, navigate, useLocation, withParams } from '../router.js';

const RECENT_KEY = 'osmo.recent-logs';
const RECENT_MAX = 10;

function readRecent(): string[] {
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(RECENT_KEY) ?? '[]');
    return Array.isArray(parsed) ? parsed.filter((v): v is string => typeof v === 'string') : [];
  } catch {
    return [];
  }
}

const saveRecent = (list: readonly string[]): void =>
  localStorage.setItem(RECENT_KEY, JSON.stringify(list.slice(0, RECENT_MAX)));

export function LogViewerPage() {
  const location = useLocation();
  const id = location.params.get('workflow');
  return (
    <section className="page log-viewer">
      <h1>Log viewer</h1>
      <WorkflowPicker current={id} />
      {id === null ? null : <WorkflowLog key={id} id={id} />}
    </section>
  );
}

function WorkflowPicker({ current }: { current: string | null }) {
  const [text, setText] = useState(current ?? '');
  const [recent, setRecent] = useState(readRecent);
  useEffect(() => setText(current ?? ''), [current]);
  const open = (id: string): void => navigate(`/log-viewer?workflow=${encodeURIComponent(id)}`);
  return (
    <div className="toolbar">
      <form
        className="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (text.trim() !== '') open(text.trim());
        }}
      >
        <input
          aria-label="Workflow ID"
          placeholder="workflow id, e.g. train-12"
          value={text}
          required
          onChange={(e) => setText(e.target.value)}
        />
        <button type="submit">Open</button>
      </form>
      {current === null && recent.length > 0 ? (
        <ul className="plain recent" aria-label="Recently viewed">
          {recent.map((r) => (
            <li key={r}>
              <Link to={`/log-viewer?workflow=${encodeURIComponent(r)}`}>{r}</Link>{' '}
              <button
                type="button"
                aria-label={`Forget ${r}`}
                onClick={() => {
                  const next = recent.filter((x) => x !== r);
                  saveRecent(next);
                  setRecent(next);
                }}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

function WorkflowLog({ id }: { id: string }) {
  const location = useLocation();
  const wf = useApi<WorkflowDetail>(`/api/workflow/${encodeURIComponent(id)}`);
  const task = location.params.get('task');
  const tasks = (wf.data?.groups ?? []).flatMap(latestTasks);
  const picked = tasks.find((t) => t.name === task) ?? null;
  useEffect(() => {
    if (wf.data) saveRecent([id, ...readRecent().filter((r) => r !== id)]);
  }, [wf.data, id]);
  if (wf.error !== null) return <p className="error">{wf.error}</p>;
  if (!wf.data) return <p className="muted">Loading…</p>;
  // A service-side search (`q`, with `c` lines of context) reads the whole log, archived ones too, and ends.
  const serviceSearch = location.params.get('q') ?? '';
  const context = location.params.get('c') ?? '';
  const query = new URLSearchParams();
  if (picked !== null) {
    query.set('task_name', picked.name);
    query.set('retry_id', String(picked.retry_id));
  }
  if (serviceSearch !== '') {
    query.set('search', serviceSearch);
    if (context !== '') query.set('context', context);
  }
  const base = `/api/workflow/${encodeURIComponent(id)}/logs`;
  const url = query.toString() === '' ? base : `${base}?${query.toString()}`;
  return (
    <>
      <div className="toolbar">
        <Link to={`/workflows/${encodeURIComponent(id)}`}>{id}</Link>
        <StatusBadge status={wf.data.status} />
        <label>
          Task{' '}
          <select
            aria-label="Task"
            value={picked?.name ?? ''}
            onChange={(e) =>
              navigate(withParams(location, { task: e.target.value === '' ? null : e.target.value }), {
                replace: true,
              })
            }
          >
            <option value="">(every task)</option>
            {tasks.map((t) => (
              <option key={t.name} value={t.name}>
                {t.name}
              </option>
            ))}
          </select>
        </label>
      </div>
      <ServiceSearch
        key={`${serviceSearch}\n${context}`}
        pattern={serviceSearch}
        context={context}
        onSearch={(q, c) =>
          navigate(withParams(location, { q: q === '' ? null : q, c: q === '' || c === '' ? null : c }), {
            replace: true,
          })
        }
      />
      <LogView
        key={url}
        url={url}
        title={picked === null ? id : `${id}-${picked.name}`}
        initialSearch={location.params.get('f') ?? ''}
        onSearchChange={(s) => navigate(withParams(location, { f: s === '' ? null : s }), { replace: true })}
      />
    </>
  );
}

/** The pattern the service searches the whole log for (RE2), and the lines of context around each match. */
function ServiceSearch({
  pattern,
  context,
  onSearch,
}: {
  pattern: string;
  context: string;
  onSearch: (pattern: string, context: string) => void;
}) {
  const [text, setText] = useState(pattern);
  const [around, setAround] = useState(context);
  return (
    <form
      className="toolbar inline-form"
      onSubmit={(e) => {
        e.preventDefault();
        onSearch(text.trim(), around.trim());
      }}
    >
      <input
        aria-label="Search the whole log on the service"
        placeholder="regular expression (RE2), searched by the service"
        value={text}
        onChange={(e) => setText(e.target.value)}
      />
      <input
        aria-label="Context lines"
        type="number"
        min={0}
        max={100}
        placeholder="context"
        value={around}
        onChange={(e) => setAround(e.target.value)}
      />
      <button type="submit">Search</button>
      {pattern !== '' ? (
        <button type="button" onClick={() => onSearch('', '')}>
          Clear
        </button>
      ) : null}
    </form>
  );
}
