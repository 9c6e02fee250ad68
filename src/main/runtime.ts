// Composition root of the task runtime: one detached process per attempt (`node runtime.js <attemptDir>`),
// given its launch on stdin so that no credential of it is ever on disk.
import { resolve } from 'node:path';
import { AttemptProcess } from '../runtime/index.js';

const attemptDir = process.argv[2];
if (attemptDir === undefined || attemptDir === '') {
  process.stderr.write('usage: runtime.js <attemptDir>\n');
  process.exit(2);
}
// Only these host variables reach the command; the service's own settings (and secrets) do not.
const HOST_VARIABLES = ['PATH', 'HOME', 'USER', 'LOGNAME', 'LANG', 'LC_ALL', 'TZ'] as const;
const hostEnvironment: Record<string, string> = {};
for (const name of HOST_VARIABLES) {
  const value = process.env[name];
  if (value !== undefined) hostEnvironment[name] = value;
}
hostEnvironment['PATH'] ??= '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const attempt = new AttemptProcess(resolve(attemptDir), hostEnvironment);
process.on('SIGTERM', () => attempt.requestStop());
process.on('SIGINT', () => attempt.requestStop());
// The service may be gone: a closed stdio must not kill the attempt.
process.on('SIGHUP', () => undefined);
process.on('SIGPIPE', () => undefined);
const readStdin = async (): Promise<string> => {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};
try {
  process.exitCode = (await attempt.run(readStdin)) === null ? 1 : 0;
} catch (err) {
  process.stderr.write(`osmo runtime: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
}
