// Finds what a task needs to run this service's own `osmo`: the Node binary, its libraries, the package.
import { execFile } from 'node:child_process';
import { access, realpath } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { TaskCliInstall } from '../core/index.js';

const run = promisify(execFile);
const LDD_TIMEOUT_MS = 10_000;
/** What the CLI loads of the installed package; nothing else of its directory is shown to tasks. */
const APP_ENTRIES = ['package.json', 'bin', 'dist', 'node_modules'];

/** One shared library of `ldd`'s answer: `libc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x…)` or the loader. */
export function parseLdd(text: string): {
  libraries: { name: string; path: string }[];
  loader: string | null;
} {
  const libraries: { name: string; path: string }[] = [];
  let loader: string | null = null;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    const linked = /^(\S+) => (\/\S+) \(0x[0-9a-f]+\)$/.exec(line);
    if (linked?.[1] !== undefined && linked[2] !== undefined) {
      libraries.push({ name: linked[1], path: linked[2] });
      continue;
    }
    // The loader is listed by its absolute path, without an arrow.
    const interpreter = /^(\/\S+) \(0x[0-9a-f]+\)$/.exec(line);
    if (interpreter?.[1] !== undefined) {
      loader = basename(interpreter[1]);
      libraries.push({ name: loader, path: interpreter[1] });
    }
  }
  return { libraries, loader };
}

/**
 * The CLI as this service runs it, or why tasks cannot have it. The libraries come from `ldd` (a static
 * Node has none to mount); they are mounted by their real paths under the names Node loads them by.
 */
export async function findTaskCliInstall(): Promise<TaskCliInstall | string> {
  const appRoot = fileURLToPath(new URL('../../../', import.meta.url));
  const present = await Promise.all(
    APP_ENTRIES.map((entry) =>
      access(join(appRoot, entry)).then(
        () => entry,
        () => null,
      ),
    ),
  );
  const appEntries = present.filter((e): e is string => e !== null);
  if (!appEntries.includes('bin') || !appEntries.includes('dist')) {
    return `the CLI's files are not next to the service (${appRoot})`;
  }
  const node = await realpath(process.execPath);
  let ldd: string;
  try {
    ldd = (await run('ldd', [node], { timeout: LDD_TIMEOUT_MS })).stdout;
  } catch (err) {
    // `ldd` exits non-zero for a static executable: nothing to mount then.
    const out = `${(err as { stdout?: string }).stdout ?? ''}${(err as { stderr?: string }).stderr ?? ''}`;
    if (/not a dynamic executable|statically linked/.test(out)) {
      return { node, libraries: [], loader: null, appRoot, appEntries };
    }
    return `ldd could not list the libraries of ${node}: ${err instanceof Error ? err.message : String(err)}`;
  }
  const parsed = parseLdd(ldd);
  if (parsed.loader === null) return { node, libraries: [], loader: null, appRoot, appEntries };
  const libraries = await Promise.all(
    parsed.libraries.map(async (l) => ({ name: l.name, path: await realpath(l.path) })),
  );
  return { node, libraries, loader: parsed.loader, appRoot, appEntries };
}
