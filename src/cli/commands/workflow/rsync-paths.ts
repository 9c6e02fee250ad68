// Pure rules of `osmo workflow rsync`: splitting `LOCAL:REMOTE`, and which daemon module a remote
// path falls in (the workspace or an admin's allowed path, the longest prefix winning).
import { posix } from 'node:path';

/** The task's workspace, always served (writable) as the module `osmo`. */
export const WORKSPACE_PATH = '/osmo/run/workspace';
export const WORKSPACE_MODULE = 'osmo';

export interface AllowedPath {
  readonly path: string;
  readonly writable: boolean;
}

/** The two sides of `A:B`, split at the first `:` not escaped by `\` (the escape is dropped). */
export function splitRsyncPath(spec: string): [string, string] {
  for (let i = 0; i < spec.length; i++) {
    if (spec[i] === ':' && spec[i - 1] !== '\\') {
      const unescape = (s: string): string => s.replace(/\\:/g, ':');
      return [unescape(spec.slice(0, i)), unescape(spec.slice(i + 1))];
    }
  }
  throw new Error(
    `Invalid rsync path format: missing colon, expected LOCAL:REMOTE for upload or REMOTE:LOCAL for download: ${spec}`,
  );
}

export interface ModuleTarget {
  readonly module: string;
  /** The path inside the module, without a leading slash ('' for the module's root). */
  readonly relative: string;
  readonly writable: boolean;
}

/** The module serving an absolute remote path, or an error saying why none does. */
export function moduleFor(
  remote: string,
  allowed: Readonly<Record<string, AllowedPath>>,
  forWriting: boolean,
): ModuleTarget {
  if (!remote.startsWith('/'))
    throw new Error(`Remote path must be an absolute path on remote host: ${remote}`);
  const normal = posix.normalize(remote).replace(/\/+$/, '') || '/';
  const trailing = remote.endsWith('/') && normal !== '/' ? '/' : '';
  const modules: [string, AllowedPath][] = [
    [WORKSPACE_MODULE, { path: WORKSPACE_PATH, writable: true }],
    ...Object.entries(allowed).filter(([name]) => name !== WORKSPACE_MODULE),
  ];
  let best: [string, AllowedPath] | null = null;
  for (const [name, entry] of modules) {
    const root = posix.normalize(entry.path).replace(/\/+$/, '') || '/';
    const inside = normal === root || normal.startsWith(root === '/' ? '/' : `${root}/`);
    if (inside && (best === null || root.length > posix.normalize(best[1].path).length)) best = [name, entry];
  }
  if (best === null) {
    const roots = modules.map(([, e]) => e.path).join(', ');
    throw new Error(`Remote path ${remote} is not within an allowed path (${roots})`);
  }
  if (forWriting && !best[1].writable) throw new Error(`Remote path ${remote} is not writable`);
  const root = posix.normalize(best[1].path).replace(/\/+$/, '');
  const relative = normal.slice(root.length).replace(/^\/+/, '');
  return {
    module: best[0],
    relative: relative === '' ? '' : relative + trailing,
    writable: best[1].writable,
  };
}

/** The daemon URL rsync is given for a module path reached through a local port. */
export const daemonUrl = (port: number, target: ModuleTarget): string =>
  `rsync://127.0.0.1:${port}/${target.module}/${target.relative}`;
