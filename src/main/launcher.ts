// Composition root of the resident launcher (`node launcher.js <workRoot>`): started by the process
// backend when none answers on `<workRoot>/launcher/launcher.sock`, in a session of its own.
import { resolve } from 'node:path';
import { launcherSocketPath } from '../runtime/launcher-protocol.js';
import { startLauncherServer } from '../runtime/launcher-server.js';

const workRoot = process.argv[2];
if (workRoot === undefined || workRoot === '') {
  process.stderr.write('usage: launcher.js <workRoot>\n');
  process.exit(2);
}
/** With nothing to run and no service connected for this long, the launcher leaves. */
const IDLE_EXIT_MS = 10_000;
// Only these host variables reach an unsandboxed command; the service's own settings (and secrets) do not.
const HOST_VARIABLES = ['PATH', 'HOME', 'USER', 'LOGNAME', 'LANG', 'LC_ALL', 'TZ'] as const;
const hostEnvironment: Record<string, string> = {};
for (const name of HOST_VARIABLES) {
  const value = process.env[name];
  if (value !== undefined) hostEnvironment[name] = value;
}
hostEnvironment['PATH'] ??= '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const log = (message: string): void => {
  process.stderr.write(`${new Date().toISOString()} osmo launcher: ${message}\n`);
};
// The service may be gone: a closed stdio must not take the attempts with it.
process.on('SIGHUP', () => undefined);
process.on('SIGPIPE', () => undefined);
const server = await startLauncherServer({
  socketPath: launcherSocketPath(resolve(workRoot)),
  hostEnvironment,
  idleExitMs: IDLE_EXIT_MS,
  onIdle: () => {
    server?.close();
    process.exit(0);
  },
  log,
});
if (server === null) {
  log('another launcher serves this work root');
  process.exit(0);
}
// Terminated (a host shutting down): every attempt records why it stopped before the launcher goes.
const terminate = (): void => {
  void server.stopAll().finally(() => process.exit(0));
};
process.on('SIGTERM', terminate);
process.on('SIGINT', terminate);
log(`listening for ${resolve(workRoot)}`);
