// Composition root of the task runtime inside a Kubernetes pod of the Kubernetes backend:
// `node kubernetes-task.js --install <dest> <installDir>` (the init container) copies Node.js and the
// runtime into the pod's shared volume; `node kubernetes-task.js <attemptDir> <launchFile>` (the task's
// container) runs the attempt and writes its reports and log lines to stdout, where the backend reads
// them through the pod log API. A third argument names the directory that stands for the pod's `/osmo`
// (tests run the entry outside a pod).
import { cp, mkdir, readFile, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { EXIT_CODES, type AttemptLaunch } from '../core/index.js';
import { superviseAttempt, type LaunchFile, type StopRequest } from '../runtime/index.js';
// The modules it needs, not the backend's index: every pod pays for what it loads.
import { logLine, reportLine } from '../backends/kubernetes/pod-log-lines.js';

/** What the runtime records when the pod is deleted; the backend reports the stop it asked for instead. */
const POD_DELETED: StopRequest = {
  status: 'FAILED_BACKEND_ERROR',
  message: 'The task pod was deleted.',
  graceMs: 5_000,
};
/** The root whose `/osmo/...` tree the runtime's host paths must reach: the pod's real one. */
const POD_OSMO = '/osmo';

const out = (line: string): void => {
  // Synchronous on a pipe, which a container's stdout is: a crash loses no line written before it.
  process.stdout.write(`${line}\n`);
};

async function install(dest: string, installDir: string): Promise<void> {
  await cp(process.execPath, join(dest, 'node'));
  for (const part of ['package.json', 'dist', 'node_modules']) {
    await cp(join(installDir, part), join(dest, 'osmo', part), { recursive: true, dereference: true });
  }
}

async function runAttempt(attemptDir: string, launchPath: string, osmoRoot: string): Promise<number> {
  const launchFile = JSON.parse(await readFile(launchPath, 'utf8')) as LaunchFile;
  // The device plugin exposes the GPUs it allocated to this container as 0..n-1.
  const gpuIndices = Array.from({ length: launchFile.launch.resources.gpu }, (_, i) => i);
  const launch: AttemptLaunch = { ...launchFile.launch, gpuIndices };
  // The runtime's host paths live under `<attemptDir>/root/osmo`: there they are the pod's own `/osmo`.
  await mkdir(join(attemptDir, 'root'), { recursive: true });
  await symlink(osmoRoot, join(attemptDir, 'root', 'osmo')).catch((err: unknown) => {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  });
  // The image's own environment (PATH, HOME) is what the command starts from, as in any container.
  const hostEnvironment: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value !== undefined && !name.startsWith('OSMO_')) hostEnvironment[name] = value;
  }
  const controller = new AbortController();
  let stopRequest: StopRequest | null = null;
  const stop = (): void => {
    stopRequest ??= POD_DELETED;
    controller.abort();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  let seq = 0;
  const final = await superviseAttempt({
    attemptDir,
    launchFile: { ...launchFile, launch },
    sink: {
      report: (status, exitCode, message) => out(reportLine(status, exitCode, message, new Date())),
      log: (ioType, text) => out(logLine(seq++, new Date(), ioType, text)),
    },
    stop: controller.signal,
    stopRequest: () => stopRequest,
    hostEnvironment,
  });
  if (final.status === 'COMPLETED') return 0;
  const code = final.exitCode ?? 1;
  return code > 0 && code < 256 ? code : 1;
}

const [first, second, third] = process.argv.slice(2);
try {
  if (first === '--install' && second !== undefined && third !== undefined) {
    await install(second, third);
    process.exitCode = 0;
  } else if (first !== undefined && second !== undefined) {
    process.exitCode = await runAttempt(first, second, third ?? POD_OSMO);
  } else {
    process.stderr.write(
      'usage: kubernetes-task.js --install <dest> <installDir> | <attemptDir> <launchFile>\n',
    );
    process.exitCode = 2;
  }
} catch (err) {
  const said = err instanceof Error ? err.message : String(err);
  process.stderr.write(`osmo kubernetes task: ${said}\n`);
  // The attempt ends with why, not with a bare exit code the pod's state would have to explain.
  if (first !== '--install') {
    out(
      reportLine(
        'FAILED_BACKEND_ERROR',
        EXIT_CODES.BACKEND_ERROR,
        `The task runtime could not start in the pod: ${said}`,
        new Date(),
      ),
    );
  }
  process.exitCode = 1;
}
