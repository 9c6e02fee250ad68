// Runs one attempt around the user command: sandbox, files, inputs, command, outputs, final status.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import {
  type AttemptLaunch,
  EXIT_CODES,
  type LogIoType,
  type TaskPaths,
  type TaskStatus,
} from '../core/index.js';
import { attemptFile, type LaunchFile, type StopRequest } from './attempt-files.js';
import { startCheckpoints } from './checkpoints.js';
import { TransferError, downloadInputs, uploadOutputs } from './data-transfer.js';
import { expandEnvReferencesIn } from './env-expansion.js';
import { createSecretMasker } from './line-splitter.js';
import { runCommand } from './run-command.js';
import { chownForTask, sandboxArgs, type SandboxFile } from './sandbox.js';
import { placeTaskFiles, removeTaskFiles } from './task-files.js';
import { placeTaskCli, removeTaskCliLogin, type PlacedTaskCli } from './task-cli-files.js';
import type { FileUrlAccess } from './file-urls.js';
import { hostTaskPaths, osmoHostDir, taskPaths } from './task-paths.js';

export interface AttemptSink {
  report(status: TaskStatus, exitCode: number | null, message: string | null): void;
  log(ioType: LogIoType, text: string): void;
}

export interface SupervisorInput {
  readonly attemptDir: string;
  readonly launchFile: LaunchFile;
  readonly sink: AttemptSink;
  /** Aborted when the attempt must stop; `stopRequest()` then says what to record. */
  readonly stop: AbortSignal;
  readonly stopRequest: () => StopRequest | null;
  /** The few host variables the command starts from (PATH, HOME, …) before the task's own. */
  readonly hostEnvironment: Readonly<Record<string, string>>;
}

export interface FinalStatus {
  readonly status: TaskStatus;
  readonly exitCode: number | null;
  readonly message: string | null;
}

const DEFAULT_STOP_GRACE_MS = 30_000;
/** What a sandboxed command starts from before its spec's own variables: nothing of the service's. */
const SANDBOX_ENVIRONMENT: Readonly<Record<string, string>> = {
  PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
  HOME: '/tmp',
};

/** Runs the attempt to its end and records the final status through the sink (once, last). */
export async function superviseAttempt(input: SupervisorInput): Promise<FinalStatus> {
  const mask = createSecretMasker(input.launchFile.launch.secrets);
  const sink: AttemptSink = {
    report: (status, exitCode, message) =>
      input.sink.report(status, exitCode, message === null ? null : mask(message)),
    log: (ioType, text) => input.sink.log(ioType, mask(text)),
  };
  // Anything unforeseen still ends the attempt with a status: upstream's "miscellaneous" ctrl failure.
  const final = await runPhases(input, sink).catch((err: unknown): FinalStatus =>
    failure(EXIT_CODES.SIDECAR_MISC, `The task runtime failed: ${errorText(err)}`),
  );
  sink.report(final.status, final.exitCode, final.message);
  return final;
}

async function runPhases(input: SupervisorInput, sink: AttemptSink): Promise<FinalStatus> {
  const { attemptDir, launchFile, stop } = input;
  const { launch } = launchFile;
  const stopped = (): FinalStatus => {
    const request = input.stopRequest();
    return {
      status: request?.status ?? 'FAILED_CANCELED',
      exitCode: null,
      message: request?.message ?? null,
    };
  };
  sink.report('INITIALIZING', null, null);
  for (const notice of launchFile.notices) sink.log('OSMO_CTRL', notice);
  const host = hostTaskPaths(attemptDir);
  const { sandboxed } = launchFile;
  const identity = launchFile.identity ?? null;
  const sandbox = sandboxed
    ? { osmoHostDir: osmoHostDir(attemptDir), identity, hidden: launchFile.hiddenPaths ?? [] }
    : null;
  const files: FileUrlAccess = { roots: launchFile.fileUrlRoots ?? [], sandbox };
  let mounts: readonly SandboxFile[];
  let cli: PlacedTaskCli | null = null;
  try {
    await prepareDirectories(host, launch.inputs.length);
    if (launch.taskCli !== undefined)
      cli = await placeTaskCli(launch.taskCli, osmoHostDir(attemptDir), sandboxed);
    const placed = await placeTaskFiles(launch.files, attemptDir, host.output, sandboxed);
    mounts = placed.mounts;
    for (const file of placed.relocated)
      sink.log('OSMO_CTRL', `No sandbox: the file ${file.taskPath} is at ${file.hostPath}`);
    for (const file of mounts) await chownForTask(file.hostPath, identity);
    // The task's own tree, before `file://` inputs are copied into it as the task's uid.
    await chownForTask(osmoHostDir(attemptDir), identity);
  } catch (err) {
    return failure(
      EXIT_CODES.SIDECAR_FILE_OPERATION,
      `Failed to prepare the task's files: ${errorText(err)}`,
    );
  }
  if (stop.aborted) return stopped();
  sink.report('RUNNING', null, null);

  const transferLog = (ioType: 'DOWNLOAD' | 'UPLOAD', text: string): void => sink.log(ioType, text);
  try {
    await downloadInputs(launch, host, taskPaths(attemptDir, sandboxed), transferLog, stop, files);
  } catch (err) {
    if (stop.aborted) return stopped();
    if (err instanceof TransferError) return failure(err.exitCode, err.message);
    throw err;
  }
  if (stop.aborted) return stopped();
  // What the runtime downloaded is the task's too; what it writes is read back as a stranger's.
  await chownForTask(osmoHostDir(attemptDir), identity);

  const baseEnv = commandEnvironment(launch, sandboxed ? SANDBOX_ENVIRONMENT : input.hostEnvironment);
  const env = cli === null ? baseEnv : { ...baseEnv, ...cli.environment(baseEnv['PATH'] ?? '') };
  // `$(NAME)` expands from the environment the command gets, as a kubelet expands a container's.
  const [command, ...commandArgs] = expandEnvReferencesIn(launch.command, env);
  if (command === undefined) return startFailure('The task has no command');
  const sandboxPidFile = attemptFile(attemptDir, 'sandboxPid');
  let pidWritten: Promise<void> = Promise.resolve();
  const checkpoints = startCheckpoints(launch, host, taskPaths(attemptDir, sandboxed), transferLog);
  // A sandbox that fails now is a start error: falling back to the bare host would hand it the host.
  const outcome = await runCommand(
    {
      command,
      args: [...commandArgs, ...expandEnvReferencesIn(launch.args, env)],
      env,
      cwd: sandboxed ? '/' : dirname(osmoHostDir(attemptDir)),
      sandbox:
        sandbox === null ? null : sandboxArgs({ ...sandbox, files: mounts, overlays: cli?.overlays ?? [] }),
      stopGraceMs: () => input.stopRequest()?.graceMs ?? DEFAULT_STOP_GRACE_MS,
      // Where `osmo workflow exec` finds the sandbox to enter; only the service (root-owned dir) reads it.
      onSpawn: (pid) => {
        if (sandbox !== null)
          pidWritten = writeFile(sandboxPidFile, String(pid), { mode: 0o600 }).catch(() => undefined);
      },
    },
    (ioType, text) => sink.log(ioType, text),
    stop,
  );
  await pidWritten;
  await rm(sandboxPidFile, { force: true });
  await removeTaskFiles(attemptDir);
  if (cli !== null) await removeTaskCliLogin(osmoHostDir(attemptDir));
  // The final checkpoint follows the command's end, before outputs, and not after a stop (the pod is gone).
  if (outcome.kind === 'exited') await checkpoints.finish();
  else checkpoints.cancel();
  switch (outcome.kind) {
    case 'stopped':
      return stopped();
    case 'start-failed':
      return startFailure(`Failed to start the command "${command}": ${outcome.message}`);
    case 'sandbox-failed':
      return startFailure(`The sandbox of the command "${command}" failed: ${outcome.message}`);
    case 'exited':
      break;
  }
  try {
    await uploadOutputs(launch, host, taskPaths(attemptDir, sandboxed), transferLog, stop, files);
  } catch (err) {
    if (stop.aborted) return stopped();
    if (err instanceof TransferError) return failure(err.exitCode, err.message);
    throw err;
  }
  if (stop.aborted) return stopped();
  return outcome.exitCode === 0
    ? { status: 'COMPLETED', exitCode: 0, message: null }
    : failure(outcome.exitCode, `Failure reason: Exit code ${outcome.exitCode}.`);
}

/** The task's environment over a minimal host one, plus the GPU selection. */
export function commandEnvironment(
  launch: AttemptLaunch,
  hostEnvironment: Readonly<Record<string, string>>,
): Record<string, string> {
  const gpus = launch.gpuIndices.join(',');
  return {
    ...hostEnvironment,
    ...launch.environment,
    CUDA_VISIBLE_DEVICES: gpus,
    NVIDIA_VISIBLE_DEVICES: gpus,
  };
}

async function prepareDirectories(host: TaskPaths, inputCount: number): Promise<void> {
  await mkdir(host.output, { recursive: true });
  await mkdir(host.workspace, { recursive: true });
  for (let i = 0; i < inputCount; i++) await mkdir(host.input(i), { recursive: true });
}

const failure = (exitCode: number, message: string): FinalStatus => ({ status: 'FAILED', exitCode, message });
const startFailure = (message: string): FinalStatus => ({
  status: 'FAILED_START_ERROR',
  exitCode: EXIT_CODES.START_ERROR,
  message,
});
const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err));
