// One workflow: its graph and task table on the left, a panel for the workflow or the selected task on the right.
import { createContext, useCallback, useContext, useState } from 'react';
import { isWorkflowFinished } from '../../../src/core/statuses.js';
import { apiJson, withQuery } from '../api/client.js';
import type { GroupEntry, SubmitResult, TaskEntry, WorkflowDetail } from '../api/types.js';
import { useApi } from '../api/use-api.js';
import { useWorkflowChanges } from '../api/use-workflow-changes.js';
import { Dag, latestTasks } from '../components/dag.js';
import { LogView } from '../components/log-view.js';
import { ResubmitPanel } from '../components/resubmit-panel.js';
import { ShellTab } from '../components/shell-tab.js';
import { PriorityBadge, StatusBadge } from '../components/status-badge.js';
import { TaskOutputs, WorkflowOutputs } from '../components/task-outputs.js';
import { TaskTable } from '../components/task-table.js';
import type { TaskRef } from '../components/task-table.js';
import { Tabs, pickTab } from '../components/tabs.js';
import { TextPanel } from '../components/text-panel.js';
import { formatDuration, formatTime, secondsBetween } from '../format.js';
import { pollIntervalMs } from '../live-refresh.js';
import type { LiveMode } from '../live-refresh.js';
import { Link, navigate, useLocation, withParams } from '../router.js';
import type { Location } from '../router.js';

const WORKFLOW_TABS = [
  ['overview', 'Overview'],
  ['logs', 'Logs'],
  ['events', 'Events'],
  ['spec', 'Spec'],
] as const;
const TASK_TABS = [
  ['overview', 'Overview'],
  ['shell', 'Shell'],
  ['logs', 'Logs'],
  ['events', 'Events'],
] as const;

export function WorkflowDetailPage({ id }: { id: string }) {
  const location = useLocation();
  // Finished workflows are not refreshed at all; live ones are read again when the service says so.
  const [live, setLive] = useState(true);
  const [version, setVersion] = useState(0);
  const [mode, setMode] = useState<LiveMode>('connecting');
  const wf = useApi<WorkflowDetail>(`/api/workflow/${encodeURIComponent(id)}`, {
    query: { verbose: true },
    intervalMs: pollIntervalMs(live, mode),
  });
  const { reload } = wf;
  const onChange = useCallback(() => {
    reload();
    setVersion((v) => v + 1);
  }, [reload]);
  const streamMode = useWorkflowChanges(id, live, onChange);
  if (streamMode !== mode) setMode(streamMode);
  const data = wf.data;
  if (data && live && isWorkflowFinished(data.status)) setLive(false);
  if (!data) {
    return (
      <section className="page">
        <Breadcrumb id={id} />
        {wf.error !== null ? <p className="error">{wf.error}</p> : <p className="muted">Loading…</p>}
      </section>
    );
  }
  const selection = selected(location, data.groups);
  const select = (ref: TaskRef): void =>
    navigate(withParams(location, { group: ref.group, task: ref.task, retry: String(ref.retry), tab: null }));
  const selectGroup = (g: GroupEntry): void => {
    const tasks = latestTasks(g);
    const only = tasks.length === 1 ? tasks[0] : undefined;
    navigate(
      withParams(location, {
        group: g.name,
        task: only?.name ?? null,
        retry: only ? String(only.retry_id) : null,
        tab: null,
      }),
    );
  };
  return (
    <LiveContext.Provider value={{ version, polling: live && mode === 'polling' }}>
      <section className="page workflow-page" data-live={live ? mode : 'finished'}>
        <Breadcrumb id={id} />
        <WorkflowHeader wf={data} onChanged={wf.reload} />
        {wf.error !== null ? <p className="error">{wf.error}</p> : null}
        <div className="split">
          <div className="split-main">
            <Dag groups={data.groups} selected={selection.group?.name ?? null} onSelect={selectGroup} />
            <TaskTable groups={data.groups} selected={selection.ref} onSelect={select} />
          </div>
          <aside className="split-panel" aria-label="Details">
            {selection.task && selection.group ? (
              <TaskPanel wf={data} group={selection.group} task={selection.task} />
            ) : selection.group ? (
              <GroupPanel wf={data} group={selection.group} onSelect={select} />
            ) : (
              <WorkflowPanel wf={data} live={live} />
            )}
          </aside>
        </div>
      </section>
    </LiveContext.Provider>
  );
}

/** What panels below the page need to follow the workflow: a counter the change stream moves, and whether it is down. */
const LiveContext = createContext<{ version: number; polling: boolean }>({ version: 0, polling: false });

/** Events refresh on each pushed change, or every slow poll while the stream is down; never once finished. */
function useEventsRefresh(live: boolean): { intervalMs: number | null; version: number } {
  const { version, polling } = useContext(LiveContext);
  return { intervalMs: pollIntervalMs(live && polling, 'polling'), version };
}

function Breadcrumb({ id }: { id: string }) {
  return (
    <nav className="breadcrumb" aria-label="Breadcrumb">
      <Link to="/workflows">Workflows</Link> › <span>{id}</span>
    </nav>
  );
}

function selected(
  location: Location,
  groups: readonly GroupEntry[],
): { group: GroupEntry | null; task: TaskEntry | null; ref: TaskRef | null } {
  const taskName = location.params.get('task');
  const groupName = location.params.get('group');
  const retryText = location.params.get('retry');
  // A task link without its group still finds the task.
  const group =
    groups.find((g) => g.name === groupName) ??
    (taskName === null ? undefined : groups.find((g) => g.tasks.some((t) => t.name === taskName)));
  if (!group) return { group: null, task: null, ref: null };
  if (taskName === null) return { group, task: null, ref: null };
  const attempts = group.tasks.filter((t) => t.name === taskName);
  const retry = retryText === null ? NaN : Number(retryText);
  const task =
    attempts.find((t) => t.retry_id === retry) ??
    attempts.reduce<TaskEntry | null>(
      (best, t) => (best === null || t.retry_id > best.retry_id ? t : best),
      null,
    );
  if (!task) return { group, task: null, ref: null };
  return { group, task, ref: { group: group.name, task: task.name, retry: task.retry_id } };
}

/** Workflow IDs end in a run counter: the previous and next runs of the same name. */
function neighbours(id: string): { prev: string | null; next: string } | null {
  const m = /^(.*)-(\d+)$/.exec(id);
  if (!m || m[1] === undefined || m[2] === undefined) return null;
  const n = Number(m[2]);
  return { prev: n > 1 ? `${m[1]}-${n - 1}` : null, next: `${m[1]}-${n + 1}` };
}

function WorkflowHeader({ wf, onChanged }: { wf: WorkflowDetail; onChanged: () => void }) {
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [reason, setReason] = useState('');
  const [force, setForce] = useState(false);
  const [resubmitting, setResubmitting] = useState(false);
  const around = neighbours(wf.name);
  const act = async (what: () => Promise<string>): Promise<void> => {
    setBusy(true);
    setMessage(null);
    try {
      setMessage(await what());
      onChanged();
    } catch (err) {
      setMessage(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  const cancel = (): Promise<void> =>
    act(async () => {
      await apiJson(`/api/workflow/${encodeURIComponent(wf.name)}/cancel`, {
        method: 'POST',
        query: { ...(reason.trim() === '' ? {} : { message: reason.trim() }), force },
      });
      setConfirming(false);
      return 'Cancel requested.';
    });
  const restart = (): Promise<void> =>
    act(async () => {
      const result = await apiJson<SubmitResult>(
        `/api/pool/${encodeURIComponent(wf.pool ?? 'default')}/workflow/${encodeURIComponent(wf.name)}/restart`,
        { method: 'POST' },
      );
      navigate(`/workflows/${encodeURIComponent(result.name)}`);
      return `Restarted as ${result.name}.`;
    });
  const finished = isWorkflowFinished(wf.status);
  return (
    <header className="workflow-header">
      <div className="title-row">
        {around?.prev ? (
          <Link to={`/workflows/${around.prev}`} aria-label="Previous run" className="icon-link">
            ‹
          </Link>
        ) : null}
        <h1>{wf.name}</h1>
        {around ? (
          <Link to={`/workflows/${around.next}`} aria-label="Next run" className="icon-link">
            ›
          </Link>
        ) : null}
        <StatusBadge status={wf.status} />
        <PriorityBadge priority={wf.priority} />
        <span className="muted">
          {wf.start_time === null
            ? `queued ${formatDuration(wf.queued_time)}`
            : `ran ${formatDuration(wf.duration ?? secondsBetween(wf.start_time, wf.end_time))}`}
        </span>
        <span className="spacer" />
        {!finished ? (
          <button type="button" className="danger" disabled={busy} onClick={() => setConfirming(true)}>
            Cancel workflow
          </button>
        ) : null}
        {wf.status.startsWith('FAILED') ? (
          <button type="button" disabled={busy} onClick={() => void restart()}>
            Restart
          </button>
        ) : null}
        <button type="button" disabled={busy} onClick={() => setResubmitting(true)}>
          Resubmit
        </button>
      </div>
      {resubmitting ? <ResubmitPanel wf={wf} onClose={() => setResubmitting(false)} /> : null}
      {confirming ? (
        <div className="dialog" role="dialog" aria-label="Cancel workflow">
          <label>
            Reason (optional)
            <input value={reason} onChange={(e) => setReason(e.target.value)} />
          </label>
          <label>
            <input type="checkbox" checked={force} onChange={(e) => setForce(e.target.checked)} /> Force
            cancel
          </label>
          <button type="button" onClick={() => setConfirming(false)}>
            Keep running
          </button>
          <button type="button" className="danger" disabled={busy} onClick={() => void cancel()}>
            Confirm cancel
          </button>
        </div>
      ) : null}
      {message !== null ? (
        <p className="notice" role="status">
          {message}
        </p>
      ) : null}
    </header>
  );
}

function WorkflowPanel({ wf, live }: { wf: WorkflowDetail; live: boolean }) {
  const location = useLocation();
  const tab = pickTab(location.params.get('wtab'), WORKFLOW_TABS, 'overview');
  const base = `/api/workflow/${encodeURIComponent(wf.name)}`;
  const spec = location.params.get('spec') === 'jinja' ? 'jinja' : 'yaml';
  const events = useEventsRefresh(live);
  return (
    <div className="panel">
      <Tabs param="wtab" tabs={WORKFLOW_TABS} current={tab} fallback="overview" />
      {tab === 'overview' ? <WorkflowOverview wf={wf} /> : null}
      {tab === 'logs' ? <LogView url={`${base}/logs`} title={wf.name} /> : null}
      {tab === 'events' ? (
        <TextPanel
          url={`${base}/events`}
          intervalMs={events.intervalMs}
          version={events.version}
          empty="No events yet."
          label="Events"
        />
      ) : null}
      {tab === 'spec' ? (
        <>
          <div className="toolbar">
            <Link
              to={withParams(location, { spec: null })}
              replace
              className={spec === 'yaml' ? 'active' : ''}
            >
              Rendered YAML
            </Link>
            <Link
              to={withParams(location, { spec: 'jinja' })}
              replace
              className={spec === 'jinja' ? 'active' : ''}
            >
              Template
            </Link>
          </div>
          <TextPanel
            url={withQuery(`${base}/spec`, spec === 'jinja' ? { use_template: true } : {})}
            intervalMs={null}
            empty="(empty spec)"
            label="Spec"
            yaml
          />
        </>
      ) : null}
    </div>
  );
}

function WorkflowOverview({ wf }: { wf: WorkflowDetail }) {
  const labels = Object.entries(wf.labels ?? {});
  return (
    <div className="overview">
      {wf.pending_reason ? <p className="notice">Waiting: {wf.pending_reason}</p> : null}
      <ol className="timeline">
        <li className="done">Submitted {formatTime(wf.submit_time)}</li>
        <li className={wf.start_time ? 'done' : ''}>Started {formatTime(wf.start_time)}</li>
        <li className={wf.end_time ? 'done' : ''}>
          {wf.status === 'COMPLETED' ? 'Completed' : wf.status.startsWith('FAILED') ? 'Failed' : 'Ends'}{' '}
          {formatTime(wf.end_time)}
        </li>
      </ol>
      <dl className="details">
        <dt>UUID</dt>
        <dd>
          <code>{wf.uuid}</code>
        </dd>
        <dt>User</dt>
        <dd>
          <Link to={`/workflows?f=${encodeURIComponent(`user:${wf.submitted_by}`)}`}>{wf.submitted_by}</Link>
        </dd>
        <dt>Pool</dt>
        <dd>
          {wf.pool ? (
            <Link to={`/workflows?all=true&f=${encodeURIComponent(`pool:${wf.pool}`)}`}>{wf.pool}</Link>
          ) : (
            '—'
          )}
        </dd>
        <dt>Backend</dt>
        <dd>{wf.backend ?? '—'}</dd>
        {wf.cancelled_by ? (
          <>
            <dt>Cancelled by</dt>
            <dd>{wf.cancelled_by}</dd>
          </>
        ) : null}
        {wf.app_name ? (
          <>
            <dt>App</dt>
            <dd>{wf.app_name}</dd>
          </>
        ) : null}
        <dt>Tags</dt>
        <dd>
          {wf.tags.length === 0
            ? '—'
            : wf.tags.map((t) => (
                <span key={t} className="chip">
                  {t}
                </span>
              ))}
        </dd>
        <dt>Labels</dt>
        <dd>
          {labels.length === 0
            ? '—'
            : labels.map(([k, v]) => (
                <Link
                  key={k}
                  className="chip"
                  to={`/workflows?all=true&f=${encodeURIComponent(`label:${k}=${v}`)}`}
                >
                  {k}={v}
                </Link>
              ))}
        </dd>
        {wf.dashboard_url || wf.grafana_url ? (
          <>
            <dt>Links</dt>
            <dd>
              {wf.dashboard_url ? (
                <a href={wf.dashboard_url} target="_blank" rel="noopener noreferrer">
                  Dashboard
                </a>
              ) : null}{' '}
              {wf.grafana_url ? (
                <a href={wf.grafana_url} target="_blank" rel="noopener noreferrer">
                  Grafana
                </a>
              ) : null}
            </dd>
          </>
        ) : null}
        {wf.outputs ? (
          <>
            <dt>Outputs under</dt>
            <dd>
              <code>{wf.outputs}</code>
            </dd>
          </>
        ) : null}
      </dl>
      <h3>Outputs</h3>
      <WorkflowOutputs wf={wf} />
    </div>
  );
}

function GroupPanel({
  wf,
  group,
  onSelect,
}: {
  wf: WorkflowDetail;
  group: GroupEntry;
  onSelect: (ref: TaskRef) => void;
}) {
  const location = useLocation();
  return (
    <div className="panel">
      <nav className="breadcrumb">
        <Link to={withParams(location, { group: null, task: null, retry: null, tab: null })}>{wf.name}</Link>{' '}
        › {group.name}
      </nav>
      <h2>
        {group.name} <StatusBadge status={group.status} />
      </h2>
      {group.failure_message ? <p className="failure-box">{group.failure_message}</p> : null}
      <ul className="plain">
        {latestTasks(group).map((t) => (
          <li key={t.name}>
            <button
              type="button"
              className="linkish"
              onClick={() => onSelect({ group: group.name, task: t.name, retry: t.retry_id })}
            >
              {t.name}
            </button>{' '}
            <StatusBadge status={t.status} />
          </li>
        ))}
      </ul>
    </div>
  );
}

function TaskPanel({ wf, group, task }: { wf: WorkflowDetail; group: GroupEntry; task: TaskEntry }) {
  const location = useLocation();
  const tab = pickTab(location.params.get('tab'), TASK_TABS, 'overview');
  const query = { task_name: task.name, retry_id: String(task.retry_id) };
  const base = `/api/workflow/${encodeURIComponent(wf.name)}`;
  const retries = group.tasks.filter((t) => t.name === task.name).map((t) => t.retry_id);
  const events = useEventsRefresh(!isWorkflowFinished(wf.status));
  // An open shell stays mounted (hidden) while other tabs are looked at, so its session lives on.
  const [shellOpen, setShellOpen] = useState(false);
  return (
    <div className="panel">
      <nav className="breadcrumb">
        <Link to={withParams(location, { group: null, task: null, retry: null, tab: null })}>{wf.name}</Link>{' '}
        › <Link to={withParams(location, { task: null, retry: null, tab: null })}>{group.name}</Link> ›{' '}
        {task.name}
      </nav>
      <h2>
        {task.name} <StatusBadge status={task.status} />
        {retries.length > 1 ? (
          <select
            aria-label="Retry"
            value={task.retry_id}
            onChange={(e) => navigate(withParams(location, { retry: e.target.value }))}
          >
            {retries.map((r) => (
              <option key={r} value={r}>
                Retry #{r}
              </option>
            ))}
          </select>
        ) : null}
      </h2>
      <Tabs param="tab" tabs={TASK_TABS} current={tab} fallback="overview" />
      {tab === 'overview' ? (
        <div className="overview">
          {(task.exit_code !== null && task.exit_code !== 0) || task.failure_message ? (
            <div className="failure-box" role="alert">
              {task.exit_code !== null ? <p>Exit code {task.exit_code}</p> : null}
              {task.failure_message ? <p>{task.failure_message}</p> : null}
            </div>
          ) : null}
          <dl className="details">
            <dt>Exit code</dt>
            <dd data-testid="exit-code">{task.exit_code ?? '—'}</dd>
            <dt>Started</dt>
            <dd>{formatTime(task.start_time)}</dd>
            <dt>Ended</dt>
            <dd>{formatTime(task.end_time)}</dd>
            <dt>Duration</dt>
            <dd>{formatDuration(secondsBetween(task.start_time, task.end_time))}</dd>
            <dt>Node</dt>
            <dd>
              {task.node_name ? (
                <Link to={`/resources?view=${encodeURIComponent(task.node_name)}`}>{task.node_name}</Link>
              ) : (
                '—'
              )}
            </dd>
            <dt>Pod</dt>
            <dd>
              <code>{task.pod_name}</code>
            </dd>
            <dt>Task UUID</dt>
            <dd>
              <code>{task.task_uuid}</code>
            </dd>
            <dt>Upstream</dt>
            <dd>{(group.remaining_upstream_groups ?? []).join(', ') || '—'}</dd>
            <dt>Outputs</dt>
            <dd>
              <TaskOutputs task={task} />
            </dd>
            {task.dashboard_url ? (
              <>
                <dt>Links</dt>
                <dd>
                  <a href={task.dashboard_url} target="_blank" rel="noopener noreferrer">
                    Dashboard
                  </a>
                </dd>
              </>
            ) : null}
          </dl>
        </div>
      ) : null}
      {tab === 'shell' || shellOpen ? (
        <div hidden={tab !== 'shell'}>
          <ShellTab key={task.task_uuid} workflow={wf.name} task={task} onConnected={setShellOpen} />
        </div>
      ) : null}
      {tab === 'logs' ? (
        <LogView
          key={`${task.name}/${task.retry_id}`}
          url={withQuery(`${base}/logs`, query)}
          title={`${wf.name}-${task.name}`}
        />
      ) : null}
      {tab === 'events' ? (
        <TextPanel
          url={withQuery(`${base}/events`, query)}
          intervalMs={events.intervalMs}
          version={events.version}
          empty="No events yet."
          label="Events"
        />
      ) : null}
    </div>
  );
}
