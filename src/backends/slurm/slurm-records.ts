// Pure readers of what Slurm's commands print: `scontrol show node|job --oneliner`, `squeue` lines in
// the format this backend asks for, `sacct --parsable2`, and the allocation's SLURM_TASKS_PER_NODE.
import type { NodeInventory } from '../backend.js';

const MIB = 1024 * 1024;

/**
 * One `--oneliner` record as key/value pairs. Values never hold spaces except where Slurm prints a
 * free-text field last on a line (`Reason=...`, `OS=...`): a token without `=` belongs to the value before it.
 */
export function parseOneliner(line: string): Map<string, string> {
  const fields = new Map<string, string>();
  let last: string | null = null;
  for (const token of line.trim().split(/\s+/)) {
    if (token === '') continue;
    const eq = token.indexOf('=');
    if (eq <= 0) {
      if (last !== null) fields.set(last, `${fields.get(last) ?? ''} ${token}`);
      continue;
    }
    last = token.slice(0, eq);
    fields.set(last, token.slice(eq + 1));
  }
  return fields;
}

/** Every record of `scontrol show <entity> --oneliner` output (one per non-empty line). */
export const parseOneliners = (text: string): Map<string, string>[] =>
  text
    .split('\n')
    .filter((l) => l.trim() !== '' && l.includes('='))
    .map(parseOneliner);

export interface SlurmNode {
  readonly name: string;
  /** What other nodes reach it at (`NodeAddr`), the name when Slurm has none. */
  readonly address: string;
  readonly cpu: number;
  readonly memoryBytes: number;
  readonly tmpDiskBytes: number;
  readonly gpu: number;
  /** `IDLE`, `MIXED+DRAIN`, `DOWN*`, ... as Slurm prints it. */
  readonly state: string;
  readonly partitions: readonly string[];
  readonly features: readonly string[];
}

const NONE = new Set(['', '(null)', 'N/A', 'n/a']);
const list = (value: string | undefined): string[] =>
  value === undefined || NONE.has(value) ? [] : value.split(',').filter((v) => v !== '');
const count = (value: string | undefined): number => {
  const n = Number(value);
  return Number.isFinite(n) && n >= 0 ? n : 0;
};

/**
 * GPUs in a `Gres=` value: `gpu:4`, `gpu:a100:4(S:0-1)`, `gpu:a100:2,gpu:v100:1,shard:8`. Other generic
 * resources (`shard`, `mps`, licences) are not GPUs.
 */
export function gpuCount(gres: string | undefined): number {
  let total = 0;
  for (const item of list(gres)) {
    const parts = item.replace(/\(.*\)$/, '').split(':');
    if (parts[0] !== 'gpu') continue;
    const last = parts.length > 1 ? Number(parts[parts.length - 1]) : 1;
    total += Number.isInteger(last) && last >= 0 ? last : 1;
  }
  return total;
}

/** The nodes of `scontrol show node --oneliner`. */
export function parseNodes(text: string): SlurmNode[] {
  return parseOneliners(text).flatMap((f) => {
    const name = f.get('NodeName');
    if (name === undefined) return [];
    const address = f.get('NodeAddr');
    return [
      {
        name,
        address: address === undefined || NONE.has(address) ? name : address,
        // CPUEfctv leaves out cores kept for Slurm itself (CoreSpecCount); older versions only print CPUTot.
        cpu: count(f.get('CPUEfctv') ?? f.get('CPUTot')),
        memoryBytes: count(f.get('RealMemory')) * MIB,
        tmpDiskBytes: count(f.get('TmpDisk')) * MIB,
        gpu: gpuCount(f.get('Gres')),
        state: f.get('State') ?? 'UNKNOWN',
        partitions: list(f.get('Partitions')),
        features: list(f.get('ActiveFeatures') ?? f.get('Features')),
      },
    ];
  });
}

/** States in which a node takes no new work: offering its capacity would only queue tasks behind it. */
const UNUSABLE_NODE_STATE =
  /DOWN|DRAIN|FAIL|FUTURE|NOT_RESPONDING|POWERED_DOWN|POWER_DOWN|REBOOT_ISSUED|INVAL|\*/;

export const nodeIsUsable = (node: SlurmNode): boolean => !UNUSABLE_NODE_STATE.test(node.state);

/**
 * The inventory osmo schedules against: usable nodes (of `partition` when one is configured), with
 * Slurm's features and partitions as labels (`slurm/feature.<name>: "true"`, `slurm/partitions`).
 */
export function nodeInventory(nodes: readonly SlurmNode[], partition: string | null): NodeInventory[] {
  return nodes
    .filter((n) => nodeIsUsable(n) && (partition === null || n.partitions.includes(partition)))
    .map((n) => ({
      name: n.name,
      cpu: n.cpu,
      memoryBytes: n.memoryBytes,
      storageBytes: n.tmpDiskBytes,
      gpu: n.gpu,
      labels: {
        'slurm/partitions': n.partitions.join(','),
        ...Object.fromEntries(n.features.map((f) => [`slurm/feature.${f}`, 'true'])),
      },
    }));
}

/** One job as `squeue -h -t all -o '%A|%j|%T|%r'` prints it. */
export interface QueuedJob {
  readonly jobId: string;
  readonly name: string;
  readonly state: string;
  readonly reason: string;
}

export const SQUEUE_FORMAT = '%A|%j|%T|%r';

export function parseSqueue(text: string): QueuedJob[] {
  return text.split('\n').flatMap((line) => {
    const parts = line.trim().split('|');
    if (parts.length < 4 || parts[0] === '') return [];
    const [jobId = '', name = '', state = '', ...reason] = parts;
    return [{ jobId, name, state, reason: reason.join('|') }];
  });
}

/** A finished job's end as Slurm keeps it: its state, the batch script's exit code, the signal. */
export interface JobEnd {
  readonly state: string;
  readonly reason: string;
  readonly exitCode: number | null;
  readonly signal: number | null;
}

/** `ExitCode=2:0` / `2:0`: the exit code and the terminating signal. */
function exitPair(value: string | undefined): Pick<JobEnd, 'exitCode' | 'signal'> {
  const match = /^(\d+):(\d+)$/.exec(value ?? '');
  if (match === null) return { exitCode: null, signal: null };
  return { exitCode: Number(match[1]), signal: Number(match[2]) };
}

/** The job of `scontrol show job <id> --oneliner`, or null when Slurm no longer knows it. */
export function parseJobRecord(text: string): JobEnd | null {
  const record = parseOneliners(text).find((f) => f.has('JobId'));
  if (record === undefined) return null;
  return {
    state: record.get('JobState') ?? 'UNKNOWN',
    reason: record.get('Reason') ?? 'None',
    ...exitPair(record.get('ExitCode')),
  };
}

/**
 * The allocation line of `sacct -n -P -X -o JobID,State,ExitCode,Reason -j <id>` (accounting, where a
 * cluster keeps it): what is known of a job slurmctld has already forgotten. `CANCELLED by 0` is CANCELLED.
 */
export function parseSacct(text: string, jobId: string): JobEnd | null {
  for (const line of text.split('\n')) {
    const [id, state = '', exit, reason = 'None'] = line.trim().split('|');
    if (id !== jobId) continue;
    return { state: state.split(' ')[0] ?? state, reason, ...exitPair(exit) };
  }
  return null;
}

/**
 * SLURM_TASKS_PER_NODE (`2(x3),1`): how many of the job's tasks each node of its node list holds, in
 * node-list order. Malformed input yields what could be read; the caller checks the total.
 */
export function parseTasksPerNode(value: string): number[] {
  const out: number[] = [];
  for (const item of value.split(',')) {
    const match = /^(\d+)(?:\(x(\d+)\))?$/.exec(item.trim());
    if (match === null) continue;
    const repeat = match[2] === undefined ? 1 : Number(match[2]);
    for (let i = 0; i < repeat; i++) out.push(Number(match[1]));
  }
  return out;
}

/** Which node each of `tasks` tasks runs on: the job's nodes, each as often as it holds tasks. */
export function assignTasksToNodes(
  nodes: readonly string[],
  tasksPerNode: readonly number[],
  tasks: number,
): string[] {
  const slots = nodes.flatMap((node, i) => Array.from({ length: tasksPerNode[i] ?? 0 }, () => node));
  if (slots.length < tasks) {
    throw new Error(`the allocation holds ${slots.length} task slots for ${tasks} tasks`);
  }
  return slots.slice(0, tasks);
}
