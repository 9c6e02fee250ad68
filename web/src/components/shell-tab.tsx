// The task's Shell tab: connectable only while the task is RUNNING (a status card otherwise); the user
// picks the shell, and the session stays open while other tabs are looked at.
import { Suspense, lazy, useEffect, useState } from 'react';
import type { TaskEntry } from '../api/types.js';
import { statusCategory } from '../status.js';

const ShellTerminal = lazy(() => import('./shell-terminal.js'));

const SHELLS = ['/bin/bash', '/bin/sh', '/bin/zsh'] as const;

function notRunningCard(status: string): string {
  if (status === 'INITIALIZING') return 'Container Initializing';
  switch (statusCategory(status)) {
    case 'completed':
      return 'Task Completed';
    case 'failed':
      return 'Task Failed';
    default:
      return 'Waiting to Start';
  }
}

export function ShellTab({
  workflow,
  task,
  onConnected,
}: {
  workflow: string;
  task: TaskEntry;
  /** Told when a session opens, so the panel keeps this tab mounted while it lives. */
  onConnected: (open: boolean) => void;
}) {
  const [shell, setShell] = useState<string>(SHELLS[0]);
  // Bumped by each connect: a new session, a new terminal.
  const [session, setSession] = useState(0);
  const [ended, setEnded] = useState<string | null>(null);
  const live = session > 0 && ended === null;

  useEffect(() => {
    onConnected(live);
    if (!live) return;
    // Leaving the page would hang up the shell: the browser asks first.
    const guard = (event: BeforeUnloadEvent): void => event.preventDefault();
    window.addEventListener('beforeunload', guard);
    return () => window.removeEventListener('beforeunload', guard);
  }, [live, onConnected]);

  if (task.status !== 'RUNNING' && !live) {
    return (
      <div className="status-card" role="status">
        <h3>{notRunningCard(task.status)}</h3>
        <p className="muted">A shell opens only while the task is running.</p>
      </div>
    );
  }
  const connect = (): void => {
    setEnded(null);
    setSession((n) => n + 1);
  };
  return (
    <div className="task-shell">
      {session === 0 || ended !== null ? (
        <div className="shell-connect">
          {ended !== null ? (
            <p className="banner" role="status">
              {ended}
            </p>
          ) : null}
          <label>
            Shell{' '}
            <select aria-label="Shell" value={shell} onChange={(e) => setShell(e.target.value)}>
              {SHELLS.map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
          </label>{' '}
          <button type="button" onClick={connect} disabled={task.status !== 'RUNNING'}>
            {session === 0 ? 'Connect' : 'Reconnect'}
          </button>
        </div>
      ) : null}
      {session > 0 ? (
        <Suspense fallback={<p className="muted">Opening the terminal…</p>}>
          <ShellTerminal
            key={session}
            workflow={workflow}
            task={task.name}
            shell={shell}
            onEnd={(message) => setEnded(message)}
          />
        </Suspense>
      ) : null}
    </div>
  );
}
