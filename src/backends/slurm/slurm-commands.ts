// Slurm's client commands as this backend calls them: one place that runs them, with the cluster's
// environment (SLURM_CONF and the like), and says which command failed and what it printed.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { parseJobRecord, parseNodes, parseSacct, parseSqueue, SQUEUE_FORMAT } from './slurm-records.js';
import type { JobEnd, QueuedJob, SlurmNode } from './slurm-records.js';

const run = promisify(execFile);
/** A slurmctld that does not answer in this long is treated as down for this call. */
const COMMAND_TIMEOUT_MS = 30_000;

export class SlurmCommandError extends Error {}

export class SlurmCommands {
  constructor(private readonly environment: NodeJS.ProcessEnv) {}

  async run(
    command: string,
    args: readonly string[],
    input?: string,
    environment: NodeJS.ProcessEnv = this.environment,
  ): Promise<string> {
    const child = run(command, [...args], {
      env: environment,
      timeout: COMMAND_TIMEOUT_MS,
      maxBuffer: 64 * 1024 * 1024,
    });
    if (input !== undefined) child.child.stdin?.end(input);
    try {
      return (await child).stdout;
    } catch (err) {
      const e = err as NodeJS.ErrnoException & { stderr?: string; killed?: boolean };
      const said = e.killed
        ? `no answer in ${COMMAND_TIMEOUT_MS / 1000} s (timed out)`
        : (e.stderr ?? '').trim() || e.message;
      throw new SlurmCommandError(
        e.code === 'ENOENT'
          ? `${command} is not installed (Slurm's client commands are needed)`
          : `${command}: ${said}`,
        { cause: err },
      );
    }
  }

  async nodes(): Promise<SlurmNode[]> {
    return parseNodes(await this.run('scontrol', ['show', 'node', '--oneliner']));
  }

  /**
   * Submits the batch script on stdin with `environment` as sbatch's whole environment (what the job
   * inherits); answers the job id (`--parsable` prints `id[;cluster]`).
   */
  async submit(args: readonly string[], script: string, environment: NodeJS.ProcessEnv): Promise<string> {
    const out = (await this.run('sbatch', args, script, environment)).trim();
    const jobId = out.split(';')[0] ?? '';
    if (!/^\d+$/.test(jobId)) throw new SlurmCommandError(`sbatch answered no job id: ${out}`);
    return jobId;
  }

  /** This user's jobs slurmctld still knows, finished ones included. */
  async queue(): Promise<QueuedJob[]> {
    return parseSqueue(
      await this.run('squeue', ['--me', '--noheader', '--states=all', `--format=${SQUEUE_FORMAT}`]),
    );
  }

  /** How a job ended: slurmctld while it remembers the job, else accounting where the cluster has it. */
  async jobEnd(jobId: string): Promise<JobEnd | null> {
    const known = await this.run('scontrol', ['show', 'job', '--oneliner', jobId]).then(
      parseJobRecord,
      () => null,
    );
    if (known !== null) return known;
    return this.run('sacct', [
      '--noheader',
      '--parsable2',
      '--allocations',
      '--format=JobID,State,ExitCode,Reason',
      `--jobs=${jobId}`,
    ]).then(
      (text) => parseSacct(text, jobId),
      () => null, // no accounting on this cluster
    );
  }

  async cancel(jobId: string): Promise<void> {
    await this.run('scancel', [jobId]);
  }
}
