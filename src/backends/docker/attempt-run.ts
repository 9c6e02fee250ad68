// Drives one attempt on a container engine: pull, files and inputs on the host, container, logs, outputs, end.
import { appendFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import type Docker from 'dockerode';
import {
  type AttemptLaunch,
  type AttemptLogRecord,
  type AttemptRef,
  type AttemptReport,
  CONTAINER_TASK_PATHS,
  EXIT_CODES,
  type LogIoType,
  type TaskStatus,
} from '../../core/index.js';
import {
  LineSplitter,
  initExitCode,
  TransferError,
  attemptFile,
  createSecretMasker,
  downloadInputs,
  hostTaskPaths,
  placeContainerTaskCli,
  placeTaskFiles,
  taskFilesDir,
  removeTaskFiles,
  startCheckpoints,
  uploadOutputs,
  type ContainerTaskCliFiles,
  type FileUrlAccess,
} from '../../runtime/index.js';
import { containerCreateBody, entrypointOf, type ContainerSettings } from './container-spec.js';
import { missingCommand } from './command-probe.js';
import { FrameDemuxer, ensureImage, errorText, statusOf } from './engine-client.js';
import { LogPosition, splitTimestamp } from './log-position.js';
import { pullAuthFor } from './registry-auth.js';
import { ensureGroupNetwork, removeGroupNetwork } from './group-network.js';
import { OomWatcher, oomEnd, type CgroupLayout } from './oom-watch.js';

/** Log lines are reported at least this often, or once this many are waiting. */
const LOG_BATCH_MS = 20;
const LOG_BATCH_LINES = 5_000;
/** A re-attached container's stored log is read this often while it runs. */
const REATTACHED_LOG_POLL_MS = 500;

/**
 * In the attempt directory once the engine has created the container: recovery tells "never created"
 * (launch it) from "created, then lost" (a backend error) by this file.
 */
export const CONTAINER_ID_FILE = 'container-id';

/**
 * The seq the container's first log line takes: the lines before it (the pull, the downloads) are not
 * in the container's log, so a re-attached run numbers its replay from here, and the log store, which
 * skips the seqs it holds, keeps neither a gap nor a repeat.
 */
const CONTAINER_LOG_SEQ_FILE = 'container-log-seq';

export interface Final {
  readonly status: TaskStatus;
  readonly exitCode: number | null;
  readonly message: string | null;
}

export interface AttemptRunOptions {
  readonly engine: Docker;
  readonly attemptDir: string;
  readonly settings: Omit<ContainerSettings, 'imageEnv'>;
  readonly stopGraceMs: number;
  /** Keep containers after they end (debugging, `--keep`). */
  readonly keepContainers: boolean;
  readonly isolateNetworks: boolean;
  /** Host directories `file://` URLs may name; none refuses them. */
  readonly fileUrlRoots?: readonly string[];
  /** The host's memory cgroups, when the engine is local: OOM kills are read there too. */
  readonly cgroups: CgroupLayout | null;
  readonly emit: (report: AttemptReport) => void;
  /** Told of failures that do not decide the attempt's end (clean-up after it). */
  readonly onError: (err: unknown) => void;
  /**
   * Whether another attempt of the group is under way in this backend: its container may not exist
   * yet (a group rescheduled together), so the group's network must stay.
   */
  readonly isGroupActive: () => boolean;
}

/** One attempt; `run()` for a new launch, `follow()` to re-attach to a container after a restart. */
export class AttemptRun {
  private seq = 0;
  private pendingLogs: AttemptLogRecord[] = [];
  private logTimer: NodeJS.Timeout | null = null;
  private readonly mask: (text: string) => string;
  private readonly abort = new AbortController();
  /** Aborts the engine requests that follow the container, when the backend closes under a live attempt. */
  private readonly detachment = new AbortController();
  private stopRequest: { status: TaskStatus; message: string } | null = null;
  private container: Docker.Container | null = null;
  private oom: OomWatcher | null = null;
  private ended = false;

  constructor(
    private readonly launch: AttemptLaunch,
    private readonly options: AttemptRunOptions,
  ) {
    this.mask = createSecretMasker(launch.secrets);
  }

  get ref(): AttemptRef {
    return this.launch;
  }

  /** Whether the end was decided (and recorded) already. */
  get hasEnded(): boolean {
    return this.ended;
  }

  /** Runs the attempt to its end; never throws: every failure becomes a final status. */
  async run(): Promise<void> {
    const final = await this.phases().catch((err: unknown): Final => ({
      status: 'FAILED_BACKEND_ERROR',
      exitCode: EXIT_CODES.BACKEND_ERROR,
      message: `The container backend failed: ${errorText(err)}`,
    }));
    await this.finish(final);
  }

  /** Re-attaches to an existing container (its log replayed from where it began) and runs it to its end. */
  async follow(container: Docker.Container): Promise<void> {
    this.container = container;
    const base = await readFile(join(this.options.attemptDir, CONTAINER_LOG_SEQ_FILE), 'utf8').catch(
      () => '0',
    );
    this.seq = Number.isSafeInteger(Number(base)) ? Number(base) : 0;
    this.report('RUNNING', null, null);
    const final = await this.watch(container).catch((err: unknown): Final => ({
      status: 'FAILED_BACKEND_ERROR',
      exitCode: EXIT_CODES.BACKEND_ERROR,
      message: `Lost the container: ${errorText(err)}`,
    }));
    await this.finish(final);
  }

  async stop(status: TaskStatus, message: string): Promise<void> {
    if (this.ended) return;
    this.stopRequest ??= { status, message };
    this.abort.abort();
    if (this.container !== null) {
      const t = Math.ceil(this.options.stopGraceMs / 1000);
      await this.container.stop({ t }).catch((err: unknown) => {
        if (statusOf(err) !== 304 && statusOf(err) !== 404) throw err;
      });
    }
  }

  /**
   * Stops following the container and reports nothing more: the service is closing, the container
   * keeps running, and a restarted service's recover() re-attaches to it.
   */
  detach(): void {
    this.detachment.abort();
    this.oom?.dispose();
  }

  private async phases(): Promise<Final> {
    const { engine, attemptDir } = this.options;
    const { launch } = this;
    this.report('INITIALIZING', null, null);
    await mkdir(attemptDir, { recursive: true });
    // Holds the launch's credentials while the attempt runs (a restarted service finishes it from here).
    await writeFile(attemptFile(attemptDir, 'launch'), JSON.stringify(launch), { mode: 0o600 });
    try {
      this.log('OSMO_CTRL', `Pulling image ${launch.image}`);
      await ensureImage(engine, launch.image, pullAuthFor(launch.image, launch.registryAuth));
    } catch (err) {
      return {
        status: 'FAILED_IMAGE_PULL',
        exitCode: EXIT_CODES.ERR_IMAGE_PULL,
        message: `Failed to pull image ${launch.image}: ${errorText(err)}`,
      };
    }
    if (this.stopRequest) return this.stopped();
    const host = hostTaskPaths(attemptDir);
    let files;
    let taskCli: ContainerTaskCliFiles | undefined;
    try {
      await mkdir(host.output, { recursive: true });
      await mkdir(host.workspace, { recursive: true });
      for (let i = 0; i < launch.inputs.length; i++) await mkdir(host.input(i), { recursive: true });
      files = (await placeTaskFiles(launch.files, attemptDir, host.output, true)).mounts;
      // The task's `osmo` login and launcher live with its files: removed when the attempt ends.
      if (launch.taskCli !== undefined)
        taskCli = await placeContainerTaskCli(launch.taskCli, taskFilesDir(attemptDir));
    } catch (err) {
      return {
        status: 'FAILED',
        exitCode: EXIT_CODES.SIDECAR_FILE_OPERATION,
        message: `Failed to prepare the task's files: ${errorText(err)}`,
      };
    }
    this.report('RUNNING', null, null);
    const transferLog = (ioType: 'DOWNLOAD' | 'UPLOAD', text: string): void => this.log(ioType, text);
    try {
      await downloadInputs(
        launch,
        host,
        CONTAINER_TASK_PATHS,
        transferLog,
        this.abort.signal,
        this.fileUrls(),
      );
    } catch (err) {
      if (this.stopRequest) return this.stopped();
      if (err instanceof TransferError)
        return { status: 'FAILED', exitCode: err.exitCode, message: err.message };
      throw err;
    }
    if (this.stopRequest) return this.stopped();
    await ensureGroupNetwork(engine, launch, this.options.settings.backendId, this.options.isolateNetworks);
    const imageEnv = (await engine.getImage(launch.image).inspect()).Config.Env ?? [];
    const body = containerCreateBody(
      launch,
      {
        output: host.output,
        workspace: host.workspace,
        inputs: launch.inputs.map((_, i) => host.input(i)),
        files,
        ...(taskCli === undefined ? {} : { taskCli }),
      },
      { ...this.options.settings, imageEnv },
    );
    const missing = await missingCommand(engine, launch, body, imageEnv);
    if (missing !== null) return startFailure(missing);
    // No new container once the backend is closing: recover() reports the attempt as never started.
    if (this.detachment.signal.aborted) throw new Error('detached');
    let container: Docker.Container;
    try {
      container = await engine.createContainer(body);
    } catch (err) {
      return startFailure(`Failed to create the container: ${errorText(err)}`);
    }
    this.container = container;
    await writeFile(join(attemptDir, CONTAINER_ID_FILE), container.id);
    await writeFile(join(attemptDir, CONTAINER_LOG_SEQ_FILE), String(this.seq));
    this.oom = OomWatcher.forContainer(this.options.cgroups, container.id, this.launch.resources);
    // Attached before it starts, as `docker run` is: every byte it writes, in order. (Podman's followed
    // log stream drops stretches of a fast writer's lines under load; its stored log does not.)
    let attached: NodeJS.ReadableStream;
    try {
      attached = (await container.attach({
        stream: true,
        stdout: true,
        stderr: true,
        hijack: true,
        abortSignal: this.detachment.signal,
      })) as NodeJS.ReadableStream;
      await container.start();
    } catch (err) {
      return startFailure(`Failed to start the command "${entrypointOf(body) ?? ''}": ${errorText(err)}`);
    }
    // A stop that arrived while the container was being created still applies to it.
    const pending = this.pendingStop();
    if (pending !== null) await this.stop(pending.status, pending.message);
    return this.watch(container, attached);
  }

  /** Streams the container's logs until it exits, then decides the end and stores outputs. */
  private async watch(container: Docker.Container, attached?: NodeJS.ReadableStream): Promise<Final> {
    this.oom ??= OomWatcher.forContainer(this.options.cgroups, container.id, this.launch.resources);
    if (this.oom !== null) await this.oom.followPid((await container.inspect()).State.Pid);
    const host = hostTaskPaths(this.options.attemptDir);
    const transferLog = (ioType: 'DOWNLOAD' | 'UPLOAD', text: string): void => this.log(ioType, text);
    // The container's task directories are the host's, bind-mounted: checkpoints are pushed from here.
    const checkpoints = startCheckpoints(this.launch, host, CONTAINER_TASK_PATHS, transferLog);
    try {
      await (attached === undefined ? this.streamLogs(container) : this.streamAttached(container, attached));
    } finally {
      if (this.detachment.signal.aborted) checkpoints.cancel();
    }
    if (this.detachment.signal.aborted) throw new Error('detached');
    const oomKills = (await this.oom?.stop()) ?? 0;
    const state = (await container.inspect()).State;
    if (this.stopRequest) {
      checkpoints.cancel();
      return this.stopped();
    }
    // The final checkpoint follows the command's end, before the outputs, as on every backend.
    await checkpoints.finish();
    const evicted = oomEnd(state.OOMKilled, oomKills, this.launch.resources.memoryBytes);
    if (evicted !== null) return evicted;
    const code = initExitCode(state.ExitCode);
    try {
      await uploadOutputs(
        this.launch,
        host,
        CONTAINER_TASK_PATHS,
        transferLog,
        this.abort.signal,
        this.fileUrls(),
      );
    } catch (err) {
      if (this.stopRequest) return this.stopped();
      if (err instanceof TransferError)
        return { status: 'FAILED', exitCode: err.exitCode, message: err.message };
      throw err;
    }
    return code === 0
      ? { status: 'COMPLETED', exitCode: 0, message: null }
      : { status: 'FAILED', exitCode: code, message: `Failure reason: Exit code ${code}.` };
  }

  /**
   * Passes on what the attached stream carries until the container exits, then checks it against the
   * engine's stored log: lines the stream did not carry (it ended early) are taken from there, after
   * a note saying so.
   */
  private async streamAttached(container: Docker.Container, attached: NodeJS.ReadableStream): Promise<void> {
    const splitters = { STDOUT: new LineSplitter(), STDERR: new LineSplitter() };
    let carried = 0;
    const pass = (io: 'STDOUT' | 'STDERR', texts: string[]): void => {
      carried += texts.length;
      for (const text of texts) this.log(io, text);
    };
    const demux = new FrameDemuxer();
    for await (const chunk of attached) {
      for (const frame of demux.push(Buffer.from(chunk as Buffer))) {
        pass(frame.stream, splitters[frame.stream].push(Buffer.from(frame.data)));
      }
    }
    await container.wait({ abortSignal: this.detachment.signal }).catch(() => undefined);
    if (this.detachment.signal.aborted) return;
    for (const io of ['STDOUT', 'STDERR'] as const) pass(io, splitters[io].end());
    try {
      const missed = await this.storedLinesFrom(container, carried);
      if (missed.length > 0) {
        this.log('OSMO_CTRL', `${missed.length} last lines came from the engine's stored log`);
        for (const line of missed) this.log(line.io, line.text);
      }
    } catch (err) {
      this.log('OSMO_CTRL', `The last log lines may be incomplete: ${errorText(err)}`);
    }
    this.flushLogs();
  }

  /** The lines of the container's stored log from the `from`th on (counted as the attached ones were). */
  private async storedLinesFrom(
    container: Docker.Container,
    from: number,
  ): Promise<{ io: 'STDOUT' | 'STDERR'; text: string }[]> {
    const all = await container.logs({ follow: false, stdout: true, stderr: true });
    const splitters = { STDOUT: new LineSplitter(), STDERR: new LineSplitter() };
    const lines: { io: 'STDOUT' | 'STDERR'; text: string }[] = [];
    let index = 0;
    const take = (io: 'STDOUT' | 'STDERR', texts: string[]): void => {
      for (const text of texts) if (index++ >= from) lines.push({ io, text });
    };
    for (const frame of new FrameDemuxer().push(all))
      take(frame.stream, splitters[frame.stream].push(frame.data));
    for (const io of ['STDOUT', 'STDERR'] as const) take(io, splitters[io].end());
    return lines;
  }

  /**
   * Reads a re-attached container's stored log while it runs, then once more after its end. Each read
   * is unfollowed, from the last stamp seen (frames carry the engine's timestamps, so a read skips
   * what an earlier one passed on): Podman's followed log stream drops stretches of a busy writer's
   * lines and its attach replay frames them wrongly, while its stored log holds every line.
   */
  private async streamLogs(container: Docker.Container): Promise<void> {
    const splitters = { STDOUT: new LineSplitter(), STDERR: new LineSplitter() };
    const seen = new LogPosition();
    const read = async (): Promise<void> => {
      const since = seen.sinceSeconds();
      const options = {
        stdout: true,
        stderr: true,
        timestamps: true,
        ...(since === null ? {} : { since }),
        abortSignal: this.detachment.signal,
      };
      // Unfollowed, dockerode buffers the whole answer: the lines since the last stamp seen.
      const stream = [await container.logs({ ...options, follow: false })];
      const demux = new FrameDemuxer();
      const skip = seen.skipper();
      for await (const chunk of stream) {
        for (const frame of demux.push(Buffer.from(chunk as Buffer))) {
          const stamped = splitTimestamp(frame.data);
          if (stamped !== null && skip(stamped.at)) continue;
          const data = stamped?.data ?? frame.data;
          for (const text of splitters[frame.stream].push(Buffer.from(data))) this.log(frame.stream, text);
        }
      }
    };
    let exited = false;
    const ended = container
      .wait({ abortSignal: this.detachment.signal })
      .catch(() => undefined)
      .finally(() => (exited = true));
    while (!exited && !this.detachment.signal.aborted) {
      await read();
      this.flushLogs();
      await Promise.race([ended, delay(REATTACHED_LOG_POLL_MS)]);
    }
    // The last read completes what the one before its end could not see: the container's end decides
    // the attempt whatever it finds, so an engine that fails it costs a note, not the attempt.
    if (!this.detachment.signal.aborted) {
      await read().catch((err: unknown) =>
        this.log('OSMO_CTRL', `The last log lines may be incomplete: ${errorText(err)}`),
      );
    }
    for (const io of ['STDOUT', 'STDERR'] as const)
      for (const text of splitters[io].end()) this.log(io, text);
    this.flushLogs();
  }

  private async finish(final: Final): Promise<void> {
    // A detached attempt has no end yet: recording one would make a restart replay a false status.
    if (this.ended || this.detachment.signal.aborted) return;
    this.ended = true;
    this.oom?.dispose();
    const { attemptDir, keepContainers, engine, onError } = this.options;
    // Masked as reported: a restarted service replays this line without the launch's secrets at hand.
    const recorded: Final = { ...final, message: final.message === null ? null : this.mask(final.message) };
    // Each clean-up step may fail on its own; the attempt's end is reported whatever they do.
    await appendFile(attemptFile(attemptDir, 'reports'), `${JSON.stringify(recorded)}\n`).catch(onError);
    // Decrypted credentials do not outlive the attempt on disk.
    await rm(attemptFile(attemptDir, 'launch'), { force: true }).catch(onError);
    await removeTaskFiles(attemptDir).catch(onError);
    if (this.container !== null && !keepContainers) {
      await this.container.remove({ force: true }).catch(() => undefined);
      if (!this.options.isGroupActive())
        await removeGroupNetwork(engine, this.launch.groupUuid).catch(onError);
    }
    this.report(final.status, final.exitCode, final.message);
  }

  // The copy runs in this process: the directories an admin allowed, confined, and nothing else.
  private fileUrls(): FileUrlAccess {
    return { roots: this.options.fileUrlRoots ?? [], sandbox: null };
  }

  private pendingStop(): { status: TaskStatus; message: string } | null {
    return this.stopRequest;
  }

  private stopped(): Final {
    return {
      status: this.stopRequest?.status ?? 'FAILED_CANCELED',
      exitCode: null,
      message: this.stopRequest?.message ?? null,
    };
  }

  private report(status: TaskStatus, exitCode: number | null, message: string | null): void {
    // Every line printed before a status is reported before it.
    this.flushLogs();
    this.options.emit({
      kind: 'status',
      ref: this.launch,
      status,
      exitCode,
      message: message === null ? null : this.mask(message),
      at: new Date(),
    });
  }

  /** Lines wait here a moment so they travel in batches, whatever size of chunks the engine sends. */
  private log(ioType: LogIoType, text: string): void {
    this.pendingLogs.push({ seq: this.seq++, time: new Date(), ioType, text: this.mask(text) });
    if (this.pendingLogs.length >= LOG_BATCH_LINES) this.flushLogs();
    else this.logTimer ??= setTimeout(() => this.flushLogs(), LOG_BATCH_MS);
  }

  private flushLogs(): void {
    if (this.logTimer !== null) clearTimeout(this.logTimer);
    this.logTimer = null;
    if (this.pendingLogs.length === 0) return;
    const records = this.pendingLogs;
    this.pendingLogs = [];
    this.options.emit({ kind: 'log', ref: this.launch, records });
  }
}

/** The final status recorded before a restart (masked already), or null when none was recorded. */
export async function readRecordedEnd(attemptDir: string): Promise<Final | null> {
  let text: string;
  try {
    text = await readFile(attemptFile(attemptDir, 'reports'), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  const last = text.trim().split('\n').pop();
  // A line cut by a crash while it was written records nothing: the container tells the end then.
  return last === undefined || last === '' ? null : parseFinal(last);
}

function parseFinal(line: string): Final | null {
  try {
    const value = JSON.parse(line) as Partial<Final> | null;
    return typeof value?.status === 'string' ? (value as Final) : null;
  } catch {
    return null; // torn by a crash mid-append
  }
}

const startFailure = (message: string): Final => ({
  status: 'FAILED_START_ERROR',
  exitCode: EXIT_CODES.START_ERROR,
  message,
});
