// `osmo workflow rsync upload|download|status|stop`: files to and from a running task's workspace
// (or an admin's allowed paths) with Debian's rsync, in the foreground or as an upload daemon.
import { spawn } from 'node:child_process';
import { existsSync, openSync, closeSync, mkdirSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import { Command, Option } from 'commander';
import { userError } from '../../../core/index.js';
import type { CliDeps } from '../../cli-deps.js';
import type { OsmoClient } from '../../client/osmo-client.js';
import { requireLeaf } from '../../parse/group.js';
import { intOption } from '../../parse/options.js';
import { renderTable } from '../../output/table.js';
import {
  daemonLogFile,
  isDaemonRunning,
  readDaemonRecords,
  rsyncStateDir,
  writeDaemonRecord,
} from './rsync-daemon-state.js';
import { splitRsyncPath } from './rsync-paths.js';

interface TransferFlags {
  timeout: number;
  uploadRateLimit?: number;
  pollInterval?: number;
  debounceDelay?: number;
  reconcileInterval?: number;
  maxLogSize: number;
  verbose?: boolean;
  daemon?: boolean;
  progress: boolean;
  daemonProcess?: boolean;
}

const positiveFloat = (flags: string, description: string): Option =>
  new Option(flags, description).argParser((raw: string) => {
    const value = Number(raw);
    if (!Number.isFinite(value) || value <= 0) throw new Error(`must be a positive number: ${raw}`);
    return value;
  });

/** The local path made absolute, keeping a trailing `/` (rsync: the directory's contents). */
const absoluteLocal = (local: string): string => resolvePath(local) + (local.endsWith('/') ? '/' : '');

/** The lead task of the first group, as upstream picks the default target. */
export async function leadTask(client: OsmoClient, workflowId: string): Promise<string> {
  const workflow = (await client.getJson(`api/workflow/${encodeURIComponent(workflowId)}`)) as {
    groups?: { name: string; tasks?: { name: string; lead?: boolean }[] }[];
  };
  const group = workflow.groups?.[0];
  if (group === undefined) throw userError(`Workflow ${workflowId} has no groups`);
  const tasks = group.tasks ?? [];
  if (tasks.length === 0) throw userError(`Lead group ${group.name} has no tasks`);
  const lead = tasks.find((t) => t.lead === true) ?? (tasks.length === 1 ? tasks[0] : undefined);
  if (lead === undefined) throw userError(`Cannot find lead task in group ${group.name}`);
  return lead.name;
}

/** `[TASK] PATH` or just `PATH`: with two positionals only, the second is the path. */
function taskAndPath(
  second: string | undefined,
  third: string | undefined,
  verb: string,
): [string | undefined, string] {
  const path = third ?? second;
  if (path === undefined) throw userError(`Path is required for rsync ${verb}.`);
  return [third === undefined ? undefined : second, path];
}

function transferCommand(deps: CliDeps, verb: 'upload' | 'download'): Command {
  const command = new Command(verb)
    .description(
      verb === 'upload' ? 'Upload local files to a running task.' : 'Download files from a running task.',
    )
    .argument('<workflow_id>', 'The workflow ID.')
    .argument('[task]', 'The task (default: the lead task of the first group).')
    .argument('[path]', verb === 'upload' ? 'LOCAL:REMOTE' : 'REMOTE:LOCAL')
    .addOption(intOption('--timeout <seconds>', 'Connection timeout in seconds.', 1).default(10))
    .option('--no-progress', 'Hide transfer progress.');
  if (verb === 'upload') {
    command
      .addOption(
        intOption('--upload-rate-limit <bytes>', 'Bytes per second at most (an admin cap also applies).', 1),
      )
      .addOption(positiveFloat('--poll-interval <seconds>', 'Daemon: seconds between polls of the task.'))
      .addOption(
        positiveFloat(
          '--debounce-delay <seconds>',
          'Daemon: quiet time after the last change before syncing.',
        ),
      )
      .addOption(positiveFloat('--reconcile-interval <seconds>', 'Daemon: periodic re-sync interval.'))
      .addOption(
        intOption('--max-log-size <bytes>', 'Daemon log rotation size in bytes.', 1).default(2097152),
      )
      .option('--verbose', 'Verbose daemon logging.')
      .option('--daemon', 'Keep uploading changes from a background process until the workflow ends.')
      .addOption(new Option('--daemon-process').hideHelp());
  }
  return command.action(
    async (
      workflowId: string,
      second: string | undefined,
      third: string | undefined,
      flags: TransferFlags,
    ) => {
      const [givenTask, spec] = taskAndPath(second, third, verb);
      let local: string;
      let remote: string;
      try {
        [local, remote] =
          verb === 'upload' ? splitRsyncPath(spec) : (splitRsyncPath(spec).reverse() as [string, string]);
      } catch (err) {
        throw userError((err as Error).message);
      }
      if (verb === 'upload' && !existsSync(local)) throw userError(`Local path does not exist: ${local}`);
      if (!remote.startsWith('/'))
        throw userError(`Remote path must be an absolute path on remote host: ${remote}`);
      const client = await deps.client();
      const task = givenTask ?? (await leadTask(client, workflowId));
      const request = {
        workflowId,
        task,
        direction: verb,
        local,
        remote,
        timeoutS: flags.timeout,
        uploadRateLimit: flags.uploadRateLimit ?? null,
      } as const;
      if (flags.daemon === true && flags.daemonProcess !== true) {
        startDaemonProcess(deps, { workflowId, task, local, remote }, flags);
        return;
      }
      if (flags.daemonProcess === true) {
        const record = {
          workflow_id: workflowId,
          task_name: task,
          pid: process.pid,
          local_path: absoluteLocal(local),
          remote_path: remote,
          log_file: daemonLogFile(workflowId, task),
          last_synced: null,
        };
        await writeDaemonRecord(record);
        // The transfer (sockets, the rsync client) loads only when a command runs one.
        const { runUploadDaemon } = await import('./rsync-daemon.js');
        await runUploadDaemon(
          client,
          {
            request,
            record,
            pollIntervalS: flags.pollInterval ?? null,
            debounceDelayS: flags.debounceDelay ?? null,
            reconcileIntervalS: flags.reconcileInterval ?? null,
            maxLogBytes: flags.maxLogSize,
            verbose: flags.verbose === true,
          },
          deps.signal,
        );
        return;
      }
      const { pluginSettings, runTransfer } = await import('./rsync-transfer.js');
      try {
        await runTransfer(
          client,
          { ...request, progress: flags.progress, stdio: 'inherit' },
          await pluginSettings(client),
        );
      } catch (err) {
        if (err instanceof Error && /^(Remote path|Invalid rsync)/.test(err.message))
          throw userError(err.message);
        throw err;
      }
    },
  );
}

/**
 * `osmo workflow submit --rsync LOCAL:REMOTE`: checks the path now, so a bad one refuses the submit
 * before anything is submitted.
 */
export function checkedUploadPath(spec: string): { local: string; remote: string } {
  let local: string;
  let remote: string;
  try {
    [local, remote] = splitRsyncPath(spec);
  } catch (err) {
    throw userError((err as Error).message);
  }
  if (!existsSync(local)) throw userError(`Local path does not exist: ${local}`);
  if (!remote.startsWith('/'))
    throw userError(`Remote path must be an absolute path on remote host: ${remote}`);
  return { local, remote };
}

/** Starts an upload daemon towards the workflow's lead task, with the default settings. */
export async function startLeadTaskDaemon(
  deps: CliDeps,
  client: OsmoClient,
  workflowId: string,
  path: { local: string; remote: string },
  quiet: boolean,
): Promise<void> {
  const task = await leadTask(client, workflowId);
  const io = quiet ? { ...deps.io, err: () => undefined } : deps.io;
  startDaemonProcess(
    { ...deps, io },
    { workflowId, task, ...path },
    { timeout: 10, maxLogSize: 2097152, progress: false },
  );
}

/** Runs this upload again, detached, as the daemon; its output goes to the daemon's log. */
function startDaemonProcess(
  deps: CliDeps,
  request: { workflowId: string; task: string; local: string; remote: string },
  flags: TransferFlags,
): void {
  mkdirSync(rsyncStateDir(), { recursive: true, mode: 0o700 });
  const logFile = daemonLogFile(request.workflowId, request.task);
  const out = openSync(logFile, 'a');
  const optional = (name: string, value: number | undefined): string[] =>
    value === undefined ? [] : [name, String(value)];
  const args = [
    process.argv[1] ?? 'osmo',
    'workflow',
    'rsync',
    'upload',
    request.workflowId,
    request.task,
    `${absoluteLocal(request.local).replace(/:/g, '\\:')}:${request.remote}`,
    '--timeout',
    String(flags.timeout),
    '--max-log-size',
    String(flags.maxLogSize),
    ...optional('--upload-rate-limit', flags.uploadRateLimit),
    ...optional('--poll-interval', flags.pollInterval),
    ...optional('--debounce-delay', flags.debounceDelay),
    ...optional('--reconcile-interval', flags.reconcileInterval),
    ...(flags.verbose === true ? ['--verbose'] : []),
    '--daemon-process',
  ];
  const child = spawn(process.execPath, args, { detached: true, stdio: ['ignore', out, out] });
  child.unref();
  closeSync(out);
  deps.io.err(`Rsync daemon started in detached process: PID ${child.pid ?? 'unknown'}\n`);
  deps.io.err(`To view daemon logs: tail -f ${logFile}\n`);
}

function statusCommand(deps: CliDeps): Command {
  return new Command('status')
    .description('List the rsync upload daemons of this machine.')
    .action(async () => {
      const records = await readDaemonRecords();
      if (records.length === 0) {
        deps.io.out('No rsync daemons found\n');
        return;
      }
      const rows = await Promise.all(
        records.map(async (r) => [
          r.workflow_id,
          r.task_name,
          String(r.pid),
          (await isDaemonRunning(r)) ? 'RUNNING' : 'STOPPED',
          r.last_synced ?? '-',
          r.local_path,
          r.remote_path,
          r.log_file,
        ]),
      );
      deps.io.out(
        `\n${renderTable(['Workflow ID', 'Task Name', 'PID', 'Status', 'Last Synced', 'Local Path', 'Remote Path', 'Log File'], rows)}\n`,
      );
    });
}

function stopCommand(deps: CliDeps): Command {
  return new Command('stop')
    .description('Stop rsync upload daemons.')
    .argument('[workflow_id]', 'Only the daemons of this workflow.')
    .option('--task <task>', 'Only the daemons of this task.')
    .action(async (workflowId: string | undefined, flags: { task?: string }) => {
      const running = [];
      for (const r of await readDaemonRecords()) {
        if (workflowId !== undefined && r.workflow_id !== workflowId) continue;
        if (flags.task !== undefined && r.task_name !== flags.task) continue;
        if (await isDaemonRunning(r)) running.push(r);
      }
      if (running.length === 0) {
        deps.io.out('No running rsync daemons found\n');
        return;
      }
      if (workflowId === undefined && flags.task === undefined) {
        const list = running.map((r) => `\t* ${r.workflow_id}/${r.task_name}`).join('\n');
        deps.io.out(`Are you sure you want to stop all running daemons?\n${list}\n[y/N] `);
        const answer = await deps.readLine();
        if (answer === null || !/^[yY]/.test(answer)) {
          deps.io.out('Aborted\n');
          return;
        }
      }
      for (const r of running) {
        deps.io.out(`Stopping rsync daemon ${r.workflow_id}/${r.task_name}\n`);
        try {
          process.kill(r.pid, 'SIGTERM');
        } catch (err) {
          deps.io.out(
            `Failed to stop rsync daemon ${r.workflow_id}/${r.task_name}: ${(err as Error).message}\n`,
          );
        }
      }
    });
}

export function workflowRsyncCommand(deps: CliDeps): Command {
  const group = requireLeaf(
    new Command('rsync').description('Copy files to and from a running task with rsync.'),
  );
  for (const sub of [
    transferCommand(deps, 'upload'),
    transferCommand(deps, 'download'),
    statusCommand(deps),
    stopCommand(deps),
  ]) {
    group.addCommand(sub);
  }
  return group;
}
