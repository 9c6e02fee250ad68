// What one group asks of Slurm, as pure data: the sbatch arguments, the batch script, and the srun
// arguments of each task's step. One job per group; a group of several tasks is one job of as many
// tasks, each task its own step pinned to the node the job holds for it.
import type { Priority } from '../../core/index.js';

const MIB = 1024 * 1024;

export interface TaskRequest {
  readonly cpu: number;
  readonly memoryBytes: number;
  readonly gpu: number;
}

export interface SlurmPolicy {
  /** `--partition`; none lets Slurm use its default partition. */
  readonly partition: string | null;
  readonly account: string | null;
  /** A QOS per osmo priority; a priority without one gets its nice value instead. */
  readonly qos: Readonly<Partial<Record<Priority, string>>>;
  /** `--nice` per priority: positive values lower a job's priority, which any user may do. */
  readonly nice: Readonly<Record<Priority, number>>;
  /** Appended to every sbatch (an admin's `--time`, `--constraint`, `--reservation`, ...). */
  readonly extraArgs: readonly string[];
}

export const DEFAULT_NICE: Readonly<Record<Priority, number>> = { HIGH: 0, NORMAL: 100, LOW: 1000 };

export interface JobRequest {
  readonly name: string;
  /** Where Slurm writes the batch script's own output (`slurm-<id>.out`) and where it runs. */
  readonly jobDir: string;
  readonly tasks: readonly TaskRequest[];
  readonly priority: Priority;
}

/** Slurm counts whole CPUs and mebibytes; a request of 0.5 CPU or 100 MB rounds up, never down to nothing. */
export const wholeCpus = (cpu: number): number => Math.max(1, Math.ceil(cpu));
export const mebibytes = (bytes: number): number => Math.max(1, Math.ceil(bytes / MIB));

export function sbatchArguments(job: JobRequest, policy: SlurmPolicy): string[] {
  if (job.tasks.length === 0) throw new Error('a Slurm job needs at least one task');
  const args = [
    '--parsable',
    `--job-name=${job.name}`,
    `--chdir=${job.jobDir}`,
    `--output=${job.jobDir}/slurm-%j.out`,
    // sbatch itself runs with only the job's environment, never the service's (its secrets); ALL
    // passes just that on. NIL or a list would make slurmd load the user's login environment, which
    // costs seconds a job.
    '--export=ALL',
    // A requeued job would find its launches already consumed: osmo reschedules instead.
    '--no-requeue',
  ];
  if (policy.partition !== null) args.push(`--partition=${policy.partition}`);
  if (policy.account !== null) args.push(`--account=${policy.account}`);
  const qos = policy.qos[job.priority];
  if (qos !== undefined) args.push(`--qos=${qos}`);
  else if (policy.nice[job.priority] !== 0) args.push(`--nice=${policy.nice[job.priority]}`);
  const [only] = job.tasks;
  if (job.tasks.length === 1 && only !== undefined) {
    args.push(
      '--ntasks=1',
      `--cpus-per-task=${wholeCpus(only.cpu)}`,
      `--mem=${mebibytes(only.memoryBytes)}M`,
    );
    if (only.gpu > 0) args.push(`--gres=gpu:${only.gpu}`);
  } else {
    // Every task gets the largest task's share, so any task fits any of the job's slots.
    const cpu = Math.max(...job.tasks.map((t) => wholeCpus(t.cpu)));
    const memory = Math.max(...job.tasks.map((t) => mebibytes(t.memoryBytes)));
    const gpu = Math.max(...job.tasks.map((t) => t.gpu));
    args.push(
      `--ntasks=${job.tasks.length}`,
      `--cpus-per-task=${cpu}`,
      `--mem-per-cpu=${Math.ceil(memory / cpu)}M`,
    );
    if (gpu > 0) args.push(`--gpus-per-task=${gpu}`);
  }
  args.push(...policy.extraArgs);
  return args;
}

/** The srun of one task's step inside a job of several tasks, on the node chosen for it. */
export function stepArguments(task: TaskRequest, node: string): string[] {
  const args = [
    `--nodelist=${node}`,
    '--nodes=1',
    '--ntasks=1',
    '--exact',
    `--cpus-per-task=${wholeCpus(task.cpu)}`,
    `--mem=${mebibytes(task.memoryBytes)}M`,
    '--kill-on-bad-exit=0',
  ];
  if (task.gpu > 0) args.push(`--gpus=${task.gpu}`);
  return args;
}

const shellQuote = (value: string): string => `'${value.replaceAll("'", "'\\''")}'`;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The batch script: the environment the job runs with (the runtime's host basics, never the service's
 * settings), then the job entry on the job's first node.
 */
export function batchScript(
  nodeExecutable: string,
  jobEntry: string,
  jobDir: string,
  environment: Readonly<Record<string, string>>,
): string {
  const exports = Object.entries(environment)
    .filter(([name]) => ENV_NAME.test(name))
    .map(([name, value]) => `export ${name}=${shellQuote(value)}`);
  return [
    '#!/bin/sh',
    ...exports,
    `exec ${shellQuote(nodeExecutable)} ${shellQuote(jobEntry)} ${shellQuote(jobDir)}`,
    '',
  ].join('\n');
}
