// Tells whether an attempt's runtime process still runs, guarding against a recycled pid.
import { readFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { attemptFile } from '../../runtime/index.js';

/** The runtime's pid from `<attemptDir>/pid`, or null before the runtime wrote it. */
export async function readRuntimePid(attemptDir: string): Promise<number | null> {
  try {
    const pid = Number.parseInt(await readFile(attemptFile(attemptDir, 'pid'), 'utf8'), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/**
 * True when `pid` is alive and, where /proc tells, is the runtime started for this attempt directory:
 * a runtime process of its own (earlier versions), or the launcher running `launcherCommand`.
 */
export function isRuntimeProcess(
  pid: number,
  attemptDir: string,
  launcherCommand: readonly string[] = [],
): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    // A zombie has an empty command line: it no longer runs.
    if (args.includes(attemptDir)) return true;
    return launcherCommand.length > 0 && launcherCommand.every((arg) => args.includes(arg));
  } catch {
    return true; // no /proc on this system: the signal check above is all there is
  }
}

/**
 * The pid of a live runtime started for `attemptDir`, found by its command line; null when none runs
 * or where there is no /proc. Covers the moment between the spawn and the runtime's pid file.
 */
export async function findRuntimeProcess(attemptDir: string): Promise<number | null> {
  const entries = await readdir('/proc').catch(() => []);
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    // A process that ends while we look has no command line left to read.
    const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.split('\0').includes(attemptDir)) return Number(entry);
  }
  return null;
}
