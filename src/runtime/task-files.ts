// Materialises a task's `files` where the command will see them.
import { chmod, mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join, posix } from 'node:path';
import { type AttemptLaunch, userError } from '../core/index.js';
import type { SandboxFile } from './sandbox.js';

type TaskFile = AttemptLaunch['files'][number];

const OUTPUT_PREFIX = '/osmo/data/output/';

/** The absolute in-task path of a file; `/osmo` is reserved except for the output directory. */
export function resolveTaskFilePath(path: string): string {
  const absolute = posix.normalize(posix.join('/', path));
  const segments = absolute.split('/').filter(Boolean);
  if (segments.length === 0 || (segments[0] === 'osmo' && !absolute.startsWith(OUTPUT_PREFIX))) {
    throw userError(`Empty path or adding file to "/osmo" is forbidden for file: ${path}`);
  }
  return absolute;
}

export const decodeTaskFile = (file: TaskFile): Buffer =>
  file.base64 ? Buffer.from(file.contents, 'base64') : Buffer.from(file.contents, 'utf8');

/** Where a task's files (credential files among them) wait for its command; removed when it ends. */
export const taskFilesDir = (attemptDir: string): string => join(attemptDir, 'files');

/** Credential files must not outlive the command that read them. */
export const removeTaskFiles = (attemptDir: string): Promise<void> =>
  rm(taskFilesDir(attemptDir), { recursive: true, force: true });

export interface PlacedFiles {
  /** Files the sandbox must mount at their task paths (empty when not sandboxed). */
  readonly mounts: readonly SandboxFile[];
  /** Without a sandbox: files kept in the attempt's own tree instead of at their path, which is never written. */
  readonly relocated: readonly SandboxFile[];
}

/**
 * Writes the files. Files under `/osmo/data/output/` go into the attempt's output directory. Others
 * are kept in `<attemptDir>/files/` and, when sandboxed, mounted read-only at their path. The host
 * outside the attempt directory is never written, whatever the path says.
 */
export async function placeTaskFiles(
  files: readonly TaskFile[],
  attemptDir: string,
  hostOutputDir: string,
  sandboxed: boolean,
): Promise<PlacedFiles> {
  const mounts: SandboxFile[] = [];
  const relocated: SandboxFile[] = [];
  for (const [index, file] of files.entries()) {
    const taskPath = resolveTaskFilePath(file.path);
    const contents = decodeTaskFile(file);
    if (taskPath.startsWith(OUTPUT_PREFIX)) {
      await writeAt(
        join(hostOutputDir, ...taskPath.slice(OUTPUT_PREFIX.length).split('/')),
        contents,
        file.mode,
      );
    } else {
      const hostPath = join(taskFilesDir(attemptDir), String(index));
      await writeAt(hostPath, contents, file.mode);
      (sandboxed ? mounts : relocated).push({ hostPath, taskPath });
    }
  }
  return { mounts, relocated };
}

async function writeAt(path: string, contents: Buffer, mode = 0o644): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, contents, { mode });
  // writeFile's mode applies only to new files and passes through the umask; credential files must end 0600.
  await chmod(path, mode);
}
