// Where an attempt's `/osmo/...` tree lives on the host, and which paths the task's command sees.
import { join } from 'node:path';
import { CONTAINER_TASK_PATHS, type TaskPaths } from '../core/index.js';

/** The host directory mounted at `/osmo` inside the sandbox. */
export const osmoHostDir = (attemptDir: string): string => join(attemptDir, 'root', 'osmo');

/** The host side of the attempt's directories, whatever the command sees. */
export function hostTaskPaths(attemptDir: string): TaskPaths {
  const osmo = osmoHostDir(attemptDir);
  return {
    output: join(osmo, 'data', 'output'),
    workspace: join(osmo, 'run', 'workspace'),
    input: (index) => join(osmo, 'data', 'input', String(index)),
  };
}

/**
 * The paths the command sees: the real `/osmo/...` paths when sandboxed (as in containers), else the
 * host directories (a documented deviation: hard-coded `/osmo/...` paths then do not exist).
 */
export function taskPaths(attemptDir: string, sandboxed: boolean): TaskPaths {
  return sandboxed ? CONTAINER_TASK_PATHS : hostTaskPaths(attemptDir);
}
