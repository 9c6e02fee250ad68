// The Slurm backend: each group is one Slurm job whose tasks run under the task runtime on the nodes
// Slurm allocates, writing their reports and logs into attempt directories on a file system the
// service and the nodes share (as the process backend's runtime does on this host); the backend
// follows those files, and asks squeue, scontrol and sacct only whether a job still lives and how it ended.
import { randomBytes } from 'node:crypto';
import { appendFile, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Backend, NodeInventory } from '../backend.js';
import {
  type AttemptLaunch,
  type AttemptRef,
  type AttemptReport,
  EXIT_CODES,
  serverError,
  type TaskPaths,
  type TaskStatus,
} from '../../core/index.js';
import { attemptDirectory, backendLost, ReportListeners } from '../attempt-reports.js';
import {
  attemptFile,
  parseRecordLine,
  taskPaths,
  type LaunchFile,
  type ReportRecord,
  type StopRequest,
} from '../../runtime/index.js';
import { AttemptTail } from '../process/attempt-tail.js';
import { finalReport } from '../process/attempt-recovery.js';
import { endOfLostAttempt, isControllerUnreachable, isJobActive } from './job-states.js';
import {
  batchScript,
  DEFAULT_NICE,
  sbatchArguments,
  type SlurmPolicy,
  type TaskRequest,
} from './job-request.js';
import {
  hostPlaceholder,
  jobManifestPath,
  SUBMISSION_FILE,
  SubmissionSchema,
  type JobManifest,
  type Submission,
} from './job-manifest.js';
import { nodeInventory, type QueuedJob } from './slurm-records.js';
import { SlurmCommands } from './slurm-commands.js';

export interface SlurmBackendOptions {
  /**
   * Attempt and job directories live under it: it must be the same path on the service's host and on
   * every node (a shared file system), as the task runtime on a node writes there.
   */
  readonly workRoot: string;
  /** Path of the compiled job entry, `dist/src/main/slurm-job.js`, as the nodes see it. */
  readonly jobEntry: string;
  /** The Node.js executable on the nodes; the service's own by default. */
  readonly nodeExecutable?: string;
  /** The environment Slurm's commands run with here (SLURM_CONF, PATH): the service's, from its composition root. */
  readonly commandEnvironment: NodeJS.ProcessEnv;
  /** The job's environment on the node: host basics only, never the service's settings. */
  readonly runtimeEnvironment?: Readonly<Record<string, string>>;
  readonly policy?: Partial<SlurmPolicy>;
  /** Host directories tasks may read and write through `file://` URLs; none by default. */
  readonly fileUrlRoots?: readonly string[];
  /** How often the job table is read (one squeue for every attempt followed). */
  readonly queuePollMs?: number;
  /** How often an attempt's files are read when nothing tells of a write. */
  readonly pollIntervalMs?: number;
  /** Between SIGTERM and SIGKILL of a stopped command (upstream's 30 s by default). */
  readonly stopGraceMs?: number;
  /** How long the tasks of a group wait for the rest of their group before their job goes without them. */
  readonly gangWaitMs?: number;
  readonly onError?: (err: unknown, ref: AttemptRef | null) => void;
}

export interface SlurmBackend extends Backend {
  readonly kind: 'slurm';
  taskPaths(ref: AttemptRef): Promise<TaskPaths>;
  attemptDir(ref: AttemptRef): string;
  taskHost(ref: AttemptRef, taskName: string): string;
  /** The Slurm job that runs an attempt, once submitted. */
  jobOf(ref: AttemptRef): Promise<string | null>;
}

const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const DEFAULT_QUEUE_POLL_MS = 1_000;
const DEFAULT_POLL_INTERVAL_MS = 250;
const DEFAULT_STOP_GRACE_MS = 30_000;
const DEFAULT_GANG_WAIT_MS = 30_000;
/** A stop that the job did not act on in its grace and this long after is carried out by scancel. */
const STOP_FALLBACK_MS = 15_000;
/** sbatch calls in flight at once: enough to keep up with a busy engine, few enough for slurmctld. */
const MAX_CONCURRENT_SUBMISSIONS = 8;
/** How long a job waits before sbatch is asked again when slurmctld did not answer. */
const SUBMIT_RETRY_MS = 5_000;

/** Runs at most `limit` tasks at once, the rest in arrival order. */
class Limiter {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly limit: number) {}

  async run(task: () => Promise<void>): Promise<void> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active += 1;
    try {
      await task();
    } finally {
      this.active -= 1;
      this.waiting.shift()?.();
    }
  }
}

interface Tracked {
  readonly ref: AttemptRef;
  submission: Submission | null;
  /** When sbatch answered: a job table read before then cannot know the job yet. */
  submittedAt: number;
}

interface Gang {
  readonly expected: ReadonlySet<string>;
  readonly launches: AttemptLaunch[];
  readonly timer: NodeJS.Timeout;
}

export function createSlurmBackend(options: SlurmBackendOptions): SlurmBackend {
  const tails = new Map<string, AttemptTail>();
  const tracked = new Map<string, Tracked>();
  const gangs = new Map<string, Gang>();
  const stopTimers = new Set<NodeJS.Timeout>();
  const slurm = new SlurmCommands(options.commandEnvironment);
  const policy: SlurmPolicy = {
    partition: options.policy?.partition ?? null,
    account: options.policy?.account ?? null,
    qos: options.policy?.qos ?? {},
    nice: options.policy?.nice ?? DEFAULT_NICE,
    extraArgs: options.policy?.extraArgs ?? [],
  };
  const stopGraceMs = options.stopGraceMs ?? DEFAULT_STOP_GRACE_MS;
  const onError =
    options.onError ??
    ((err: unknown) => process.emitWarning(err instanceof Error ? err : new Error(String(err))));
  const listeners = new ReportListeners(onError);
  let closed = false;
  const submissions = new Limiter(MAX_CONCURRENT_SUBMISSIONS);
  // The job's own srun and scontrol must reach the same cluster as the service's commands.
  const slurmConf = options.commandEnvironment.SLURM_CONF;
  const jobEnvironment = {
    ...(options.runtimeEnvironment ?? { PATH: DEFAULT_PATH }),
    ...(slurmConf === undefined ? {} : { SLURM_CONF: slurmConf }),
  };

  const attemptDir = (ref: AttemptRef): string => attemptDirectory(options.workRoot, ref);

  const emit = (report: AttemptReport): void => void listeners.emit(report);

  // --- the job table: one squeue for every attempt that asks within a poll interval -------------
  let table: { startedAt: number; jobs: Map<string, QueuedJob> | null } | null = null;
  let reading: Promise<{ startedAt: number; jobs: Map<string, QueuedJob> | null }> | null = null;
  let tableFailing = false;
  const readTable = async (): Promise<{ startedAt: number; jobs: Map<string, QueuedJob> | null }> => {
    const startedAt = Date.now();
    try {
      const jobs = new Map((await slurm.queue()).map((j) => [j.jobId, j]));
      tableFailing = false;
      return { startedAt, jobs };
    } catch (err) {
      // Told once per outage: an unreachable slurmctld leaves attempts waiting, not failed.
      if (!tableFailing) onError(err, null);
      tableFailing = true;
      return { startedAt, jobs: null };
    }
  };
  /**
   * The job table, at most a poll interval old (read at `startedAt`), however many attempts ask: one
   * squeue a poll interval, never one per attempt or per submission. `jobs` null: Slurm did not answer.
   */
  const jobTable = async (
    maxAge = options.queuePollMs ?? DEFAULT_QUEUE_POLL_MS,
  ): Promise<{ startedAt: number; jobs: Map<string, QueuedJob> | null }> => {
    if (table !== null && Date.now() - table.startedAt < maxAge) return table;
    reading ??= readTable().finally(() => (reading = null));
    table = await reading;
    return table;
  };

  const appendReport = (dir: string, record: ReportRecord): Promise<void> =>
    appendFile(attemptFile(dir, 'reports'), `${JSON.stringify(record)}\n`);

  /** Records an end unless one is already recorded (the runtime's own end always wins). */
  const recordEnd = async (
    dir: string,
    status: TaskStatus,
    exitCode: number | null,
    message: string,
  ): Promise<void> => {
    if ((await finalReport(dir)) !== null) return;
    await appendReport(dir, { status, exitCode, message, at: new Date().toISOString() });
  };

  /**
   * Whether the attempt's job may still run it. A job that ended without the runtime recording an end
   * gets that end recorded here, from how Slurm says the job ended, before the tail reads the reports.
   */
  const isJobAlive = async (dir: string): Promise<boolean> => {
    const attempt = tracked.get(dir);
    const jobId = attempt?.submission?.jobId ?? null;
    if (attempt === undefined || jobId === null) return attempt !== undefined;
    const { startedAt, jobs } = await jobTable();
    if (jobs === null) return true;
    const job = jobs.get(jobId);
    if (job !== undefined && isJobActive(job.state)) return true;
    // Read before sbatch answered: this table cannot know the job yet.
    if (job === undefined && startedAt <= attempt.submittedAt) return true;
    if ((await finalReport(dir)) !== null) return false;
    const end = await slurm.jobEnd(jobId);
    const lost = endOfLostAttempt(jobId, end ?? (job ? { ...job, exitCode: null, signal: null } : null));
    await recordEnd(dir, lost.status, lost.exitCode, lost.message);
    return false;
  };

  const follow = (ref: AttemptRef, dir: string): void => {
    tails.get(dir)?.close();
    const tail = new AttemptTail({
      attemptDir: dir,
      ref,
      // The tail waits for its log batches to be kept before it reads on.
      emit: (report) => listeners.emit(report),
      onError: (err) => onError(err, ref),
      onUnfollowable: (message) => {
        void recordEnd(dir, 'FAILED_BACKEND_ERROR', EXIT_CODES.BACKEND_ERROR, message)
          .then(() => writeStop(dir, { status: 'FAILED_BACKEND_ERROR', message, graceMs: stopGraceMs }))
          .catch((err: unknown) => onError(err, ref));
        emit(backendLost(ref, message));
      },
      pollIntervalMs: options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS,
      isRuntimeAlive: () => isJobAlive(dir),
    });
    tails.set(dir, tail);
    void tail.done.then(() => {
      if (tails.get(dir) !== tail) return;
      tails.delete(dir);
      tracked.delete(dir); // its end is on disk; a later stop() reads the submission again
    });
    tail.start();
  };

  const writeStop = (dir: string, request: StopRequest): Promise<void> =>
    writeFile(attemptFile(dir, 'stop'), JSON.stringify(request));

  const writeSubmission = (dir: string, submission: Submission, flag: 'w' | 'wx'): Promise<void> =>
    writeFile(join(dir, SUBMISSION_FILE), JSON.stringify(submission), { flag, mode: 0o600 });

  const launchFileOf = (attempt: AttemptLaunch): LaunchFile => ({
    launch: attempt,
    // Slurm's own user and cgroup confinement is the isolation: the task runs as the job's user.
    sandboxed: false,
    identity: null,
    hiddenPaths: [],
    fileUrlRoots: options.fileUrlRoots ?? [],
    notices: [`The task runs as a process on a Slurm node, not in the image ${attempt.image}.`],
  });

  /** One job for the launches of one group; every failure ends each attempt with the reason. */
  const submit = async (launches: readonly AttemptLaunch[]): Promise<void> => {
    const batchId = randomBytes(6).toString('hex');
    const jobName = `osmo-${batchId}`;
    const jobDir = join(options.workRoot, 'slurm', 'jobs', batchId);
    await mkdir(jobDir, { recursive: true, mode: 0o700 });
    const submission: Submission = { batchId, jobName, jobDir, jobId: null };
    const dirs: string[] = [];
    for (const launch of launches) {
      const dir = attemptDir(launch);
      await mkdir(dir, { recursive: true, mode: 0o700 });
      await writeSubmission(dir, submission, 'wx').catch((err: unknown) => {
        if ((err as NodeJS.ErrnoException).code === 'EEXIST') {
          throw serverError(
            `Attempt ${launch.taskName} retry ${launch.retryId} of ${launch.workflowId} was already launched`,
          );
        }
        throw err;
      });
      // The job reads it and removes it before the task starts; only the service's user may read it.
      await writeFile(attemptFile(dir, 'launch'), JSON.stringify(launchFileOf(launch)), { mode: 0o600 });
      tracked.set(dir, { ref: launch, submission, submittedAt: Date.now() });
      dirs.push(dir);
    }
    const [first] = launches;
    const manifest: JobManifest = {
      groupUuid: first?.groupUuid ?? '',
      hostsFile: join(options.workRoot, 'slurm', 'hosts', `${first?.groupUuid ?? batchId}.json`),
      attempts: launches.map((l, i) => ({
        dir: dirs[i] ?? '',
        taskName: l.taskName,
        cpu: l.resources.cpu,
        memoryBytes: l.resources.memoryBytes,
        gpu: l.resources.gpu,
      })),
    };
    await writeFile(jobManifestPath(jobDir), JSON.stringify(manifest), { mode: 0o600 });
    const tasks: TaskRequest[] = launches.map((l) => l.resources);
    const args = sbatchArguments(
      { name: jobName, jobDir, tasks, priority: first?.priority ?? 'NORMAL' },
      policy,
    );
    const script = batchScript(
      options.nodeExecutable ?? process.execPath,
      options.jobEntry,
      jobDir,
      jobEnvironment,
    );
    // Followed from now on: a stop, a restart or sbatch's answer all find the attempt known.
    for (const [i, launch] of launches.entries()) follow(launch, dirs[i] ?? attemptDir(launch));
    // sbatch answers in tens of milliseconds, more on a busy controller: the engine's pass does not
    // wait for it, and a service that stops before it answered finds the job again by its name.
    void submissions.run(() => send(launches, dirs, submission, args, script));
  };

  const allEnded = async (dirs: readonly string[]): Promise<boolean> => {
    for (const dir of dirs) if ((await finalReport(dir)) === null) return false;
    return true;
  };

  /** Ends every attempt of a job Slurm would not take, with its words; the job's launches go. */
  const refuse = async (launches: readonly AttemptLaunch[], dirs: readonly string[], message: string) => {
    for (const [i, launch] of launches.entries()) {
      const dir = dirs[i] ?? attemptDir(launch);
      await rm(attemptFile(dir, 'launch'), { force: true }).catch((e: unknown) => onError(e, launch));
      await recordEnd(dir, 'FAILED_BACKEND_ERROR', EXIT_CODES.BACKEND_ERROR, message).catch((e: unknown) =>
        onError(e, launch),
      );
    }
  };

  /** Asks sbatch for the job; a refusal ends every attempt of it with sbatch's words. */
  const send = async (
    launches: readonly AttemptLaunch[],
    dirs: readonly string[],
    submission: Submission,
    args: readonly string[],
    script: string,
  ): Promise<void> => {
    let jobId: string;
    for (;;) {
      try {
        jobId = await slurm.submit(args, script, jobEnvironment);
        break;
      } catch (err) {
        const said = err instanceof Error ? err.message : String(err);
        // A controller that does not answer keeps the tasks waiting, not failed; they are asked
        // again until it answers, the backend closes or every one of them was stopped.
        if (!isControllerUnreachable(said) || closed || (await allEnded(dirs))) {
          await refuse(launches, dirs, `Slurm refused the job: ${said}`);
          return;
        }
        onError(err, launches[0] ?? null);
        await new Promise((resolve) => setTimeout(resolve, SUBMIT_RETRY_MS).unref());
      }
    }
    const submitted = { ...submission, jobId };

    for (const [i, launch] of launches.entries()) {
      const dir = dirs[i] ?? attemptDir(launch);
      await writeSubmission(dir, submitted, 'w').catch((e: unknown) => onError(e, launch));
      const known = tracked.get(dir);
      if (known !== undefined) {
        known.submission = submitted;
        known.submittedAt = Date.now();
      }
    }
    // Every attempt of it was stopped while sbatch was asked: the job has nothing left to run.
    await cancelIfDone(submitted).catch((e: unknown) => onError(e, null));
  };

  /** Sends a gang whose last members never came (their launch failed before reaching the backend). */
  const flushGang = (groupUuid: string): void => {
    const gang = gangs.get(groupUuid);
    if (gang === undefined) return;
    gangs.delete(groupUuid);
    clearTimeout(gang.timer);
    if (gang.launches.length === 0) return;
    void submit(gang.launches).catch((err: unknown) => {
      for (const launch of gang.launches) onError(err, launch);
    });
  };

  /** An attempt stopped before its job was asked for: it ends here, with the requested status. */
  const endUnsubmitted = async (ref: AttemptRef, status: TaskStatus, message: string): Promise<void> => {
    const dir = attemptDir(ref);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    tracked.set(dir, { ref, submission: null, submittedAt: Date.now() });
    await recordEnd(dir, status, null, message);
    follow(ref, dir);
  };

  const readSubmission = async (dir: string): Promise<Submission | null> => {
    try {
      return parseRecordLine(SubmissionSchema, await readFile(join(dir, SUBMISSION_FILE), 'utf8'));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  };

  const runtimeStarted = (dir: string): Promise<boolean> =>
    stat(attemptFile(dir, 'pid')).then(
      () => true,
      () => false,
    );

  /** Cancels a job once every attempt it runs has an end recorded: nothing of it is wanted any more. */
  const cancelIfDone = async (submission: Submission): Promise<void> => {
    if (submission.jobId === null) return;
    const manifest = JSON.parse(await readFile(jobManifestPath(submission.jobDir), 'utf8')) as JobManifest;
    for (const a of manifest.attempts) if ((await finalReport(a.dir)) === null) return;
    await slurm.cancel(submission.jobId);
  };

  return {
    kind: 'slurm',
    attemptDir,

    async jobOf(ref) {
      return (await readSubmission(attemptDir(ref)))?.jobId ?? null;
    },

    async nodes(): Promise<NodeInventory[]> {
      return nodeInventory(await slurm.nodes(), policy.partition);
    },

    async taskPaths(ref) {
      return taskPaths(attemptDir(ref), false);
    },

    // Nobody knows a task's node before Slurm allocates the job: the job fills the address in.
    taskHost(_ref, taskName) {
      return hostPlaceholder(taskName);
    },

    async launch(attempt: AttemptLaunch) {
      if (closed) throw serverError('The Slurm backend is closed');
      if ((attempt.hostMounts ?? []).length > 0) {
        throw serverError('The Slurm backend cannot mount host paths (volumeMounts, default_mounts)');
      }
      const together = attempt.launchedTogether ?? [];
      if (together.length <= 1 || !together.includes(attempt.taskName)) {
        await submit([attempt]);
        return;
      }
      let gang = gangs.get(attempt.groupUuid);
      if (gang === undefined) {
        const groupUuid = attempt.groupUuid;
        gang = {
          expected: new Set(together),
          launches: [],
          timer: setTimeout(() => flushGang(groupUuid), options.gangWaitMs ?? DEFAULT_GANG_WAIT_MS),
        };
        gangs.set(groupUuid, gang);
      }
      gang.launches.push(attempt);
      if ([...gang.expected].every((name) => gang.launches.some((l) => l.taskName === name))) {
        gangs.delete(attempt.groupUuid);
        clearTimeout(gang.timer);
        await submit(gang.launches);
      }
    },

    async stop(ref: AttemptRef, status: TaskStatus, message: string) {
      const gang = gangs.get(ref.groupUuid);
      const waiting = gang?.launches.findIndex(
        (l) => l.taskName === ref.taskName && l.retryId === ref.retryId,
      );
      if (gang !== undefined && waiting !== undefined && waiting >= 0) {
        gang.launches.splice(waiting, 1);
        await endUnsubmitted(ref, status, message);
        return;
      }
      const dir = attemptDir(ref);
      const submission = await readSubmission(dir);
      if (submission === null) {
        await endUnsubmitted(ref, status, message);
        return;
      }
      if (!tracked.has(dir)) tracked.set(dir, { ref, submission, submittedAt: 0 });
      // The task's runtime on its node watches for this file.
      await writeStop(dir, { status, message, graceMs: stopGraceMs });
      if (!(await runtimeStarted(dir))) {
        // Still queued (or starting): the end is recorded now; a runtime that starts later sees it and leaves.
        await recordEnd(dir, status, null, message);
        await cancelIfDone(submission).catch((err: unknown) => onError(err, ref));
      } else {
        // A node that cannot act on the file (hung, unreachable) is made to by Slurm itself.
        const timer = setTimeout(() => {
          stopTimers.delete(timer);
          void (async () => {
            if ((await finalReport(dir)) !== null) return;
            await recordEnd(
              dir,
              status,
              null,
              `${message} (ended by scancel: the task did not stop in time)`,
            );
            await cancelIfDone(submission);
          })().catch((err: unknown) => onError(err, ref));
        }, stopGraceMs + STOP_FALLBACK_MS);
        timer.unref();
        stopTimers.add(timer);
      }
      if (!tails.has(dir)) follow(ref, dir);
    },

    async recover(attempts: readonly AttemptRef[]) {
      const unstarted: AttemptRef[] = [];
      let jobs: Map<string, QueuedJob> | null | undefined;
      for (const ref of attempts) {
        try {
          const dir = attemptDir(ref);
          let submission = await readSubmission(dir);
          if (submission !== null && submission.jobId === null) {
            // The service stopped while sbatch was asked: the job's name tells whether it was queued.
            jobs ??= (await jobTable(0)).jobs;
            const name = submission.jobName;
            const queued = jobs === null ? undefined : [...jobs.values()].find((j) => j.name === name);
            if (queued !== undefined) {
              submission = { ...submission, jobId: queued.jobId };
              await writeSubmission(dir, submission, 'w');
            } else if (!(await runtimeStarted(dir)) && (await finalReport(dir)) === null) {
              submission = null;
            }
          }
          if (submission === null) {
            await rm(join(dir, SUBMISSION_FILE), { force: true });
            await rm(attemptFile(dir, 'launch'), { force: true });
            unstarted.push(ref);
            continue;
          }
          tracked.set(dir, { ref, submission, submittedAt: 0 });
          follow(ref, dir); // replays logs from seq 0 and every report; the consumer drops repeats
        } catch (err) {
          onError(err, ref);
          const reason = err instanceof Error ? err.message : String(err);
          emit(backendLost(ref, `The service could not recover the task after a restart (${reason}).`));
        }
      }
      return unstarted;
    },

    observe: (listener) => listeners.add(listener),

    async close() {
      // Jobs keep running: the service may only be restarting, and recover() re-attaches.
      closed = true;
      for (const gang of gangs.values()) clearTimeout(gang.timer);
      gangs.clear();
      for (const timer of stopTimers) clearTimeout(timer);
      stopTimers.clear();
      for (const tail of tails.values()) tail.close();
      tails.clear();
      listeners.clear();
    },
  };
}
