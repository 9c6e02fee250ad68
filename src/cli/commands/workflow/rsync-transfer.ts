// One rsync transfer with a running task: a session key, a local port forwarded over the router, and
// Debian's rsync client run against `rsync://127.0.0.1:<port>/<module>/<path>`.
import { spawn } from 'node:child_process';
import type { RouterResponse } from '../../../api/contract/exec-protocol.js';
import { userError } from '../../../core/index.js';
import type { OsmoClient } from '../../client/osmo-client.js';
import { openRouterSocket } from '../../client/router-socket.js';
import { daemonUrl, moduleFor, type AllowedPath } from './rsync-paths.js';
import { TcpForwarder } from './tcp-forwarder.js';

export const RSYNC_CLIENT = 'rsync';
/** Seconds without any data moving after which rsync gives a transfer up. */
const IO_TIMEOUT_S = 60;

export interface RsyncPluginSettings {
  readonly allowed_paths: Readonly<Record<string, AllowedPath>>;
  readonly client_upload_rate_limit: number;
  readonly daemon_debounce_delay: number;
  readonly daemon_poll_interval: number;
  readonly daemon_reconcile_interval: number;
}

export interface TransferRequest {
  readonly workflowId: string;
  readonly task: string;
  readonly direction: 'upload' | 'download';
  readonly local: string;
  readonly remote: string;
  readonly timeoutS: number;
  /** Bytes per second the client sends at most (uploads); null: only the admin's cap. */
  readonly uploadRateLimit: number | null;
  readonly progress: boolean;
  /** Where rsync's own output goes: inherited by a foreground transfer, a log file for a daemon. */
  readonly stdio: 'inherit' | number;
}

export const pluginSettings = async (client: OsmoClient): Promise<RsyncPluginSettings> =>
  ((await client.getJson('api/plugins/configs')) as { rsync: RsyncPluginSettings }).rsync;

/** The `--bwlimit` value (KiB/s) for the tighter of the user's and the admin's caps; null: none. */
export function bandwidthLimitKiB(user: number | null, admin: number): number | null {
  const caps = [user, admin > 0 ? admin : null].filter((c): c is number => c !== null && c > 0);
  return caps.length === 0 ? null : Math.max(1, Math.floor(Math.min(...caps) / 1024));
}

/** Runs one transfer to the end; throws when rsync fails. Deletions are never propagated. */
export async function runTransfer(
  client: OsmoClient,
  request: TransferRequest,
  settings: RsyncPluginSettings,
): Promise<void> {
  const target = moduleFor(request.remote, settings.allowed_paths, request.direction === 'upload');
  const path = `api/workflow/${encodeURIComponent(request.workflowId)}/rsync/task/${encodeURIComponent(request.task)}`;
  const router = (await client.postJson(path)) as RouterResponse;
  const timeoutMs = request.timeoutS * 1000;
  const forwarder = new TcpForwarder({
    client,
    kind: 'rsync',
    workflowId: request.workflowId,
    connectTimeoutMs: timeoutMs,
  });
  try {
    const port = await forwarder.listen('127.0.0.1', 0);
    const control = await openRouterSocket(client, 'rsync', request.workflowId, router, timeoutMs);
    void forwarder.attach(control, router);
    const url = daemonUrl(port, target);
    const limit =
      request.direction === 'upload'
        ? bandwidthLimitKiB(request.uploadRateLimit, settings.client_upload_rate_limit)
        : null;
    const args = [
      '-av',
      `--contimeout=${request.timeoutS}`,
      // A transfer that stalls (the task gone, a lost connection) fails instead of hanging forever.
      `--timeout=${Math.max(IO_TIMEOUT_S, request.timeoutS)}`,
      ...(request.progress ? ['--progress'] : []),
      ...(limit === null ? [] : [`--bwlimit=${limit}`]),
      ...(request.direction === 'upload' ? [request.local, url] : [url, request.local]),
    ];
    const code = await new Promise<number>((resolve, reject) => {
      const child = spawn(RSYNC_CLIENT, args, { stdio: ['ignore', request.stdio, request.stdio] });
      child.once('error', (err) => reject(userError(`Cannot run ${RSYNC_CLIENT}: ${err.message}`)));
      child.once('close', (status) => resolve(status ?? 1));
    });
    if (code !== 0) throw userError(`rsync ${request.direction} failed with exit code ${code}`);
  } finally {
    forwarder.close();
  }
}
