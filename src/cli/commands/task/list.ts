// `osmo task list`: tasks, or their resource requests summarised by user/pool or workflow.
import { Command, Option } from 'commander';
import { PRIORITIES, userError } from '../../../core/index.js';
import type { CliDeps } from '../../cli-deps.js';
import { EarlyExit } from '../../errors.js';
import { toPythonJson } from '../../output/json.js';
import {
  pythonFloat,
  renderTable,
  tableTerminal,
  type Cell,
  type TableTerminal,
} from '../../output/table.js';
import { displayTimeOrDash, localMidnightAsUtc } from '../../output/time.js';
import {
  choiceOption,
  formatTypeOption,
  intOption,
  listOption,
  type FormatType,
} from '../../parse/options.js';
import { WIRE } from '../../client/wire-schemas.generated.js';

export const TASK_FILTER_STATUSES = [
  'WAITING',
  'PROCESSING',
  'SCHEDULING',
  'INITIALIZING',
  'RUNNING',
  'FAILED',
  'COMPLETED',
  'FAILED_EXEC_TIMEOUT',
  'FAILED_START_ERROR',
  'FAILED_START_TIMEOUT',
  'FAILED_SERVER_ERROR',
  'FAILED_BACKEND_ERROR',
  'FAILED_QUEUE_TIMEOUT',
  'FAILED_IMAGE_PULL',
  'FAILED_UPSTREAM',
  'FAILED_EVICTED',
  'FAILED_PREEMPTED',
  'FAILED_CANCELED',
] as const;
const DEFAULT_STATUSES = ['PROCESSING', 'SCHEDULING', 'INITIALIZING', 'RUNNING'];

export const TASK_LIST_MODES = ['tasks', 'verbose', 'summary', 'workflow'] as const;
export type TaskListMode = (typeof TASK_LIST_MODES)[number];

export interface TaskListOptions {
  readonly statuses: readonly string[];
  readonly workflowId: string | undefined;
  readonly users: readonly string[] | undefined;
  readonly allUsers: boolean;
  readonly pools: readonly string[] | undefined;
  readonly nodes: readonly string[] | undefined;
  readonly startedAfter: string | undefined;
  readonly startedBefore: string | undefined;
  readonly count: number;
  readonly offset: number;
  readonly order: 'asc' | 'desc';
  readonly mode: TaskListMode;
  readonly priorities: readonly string[] | undefined;
  readonly format: FormatType;
}

interface TaskListFlags {
  status?: string[];
  workflowId?: string;
  user?: string[];
  allUsers?: boolean;
  pool?: string[];
  node?: string[];
  startedAfter?: string;
  startedBefore?: string;
  count: number;
  offset: number;
  order: 'asc' | 'desc';
  verbose?: boolean;
  summary?: boolean;
  aggregateByWorkflow?: boolean;
  priority?: string[];
  formatType: FormatType;
}

export function taskListCommand(deps: CliDeps): Command {
  return new Command('list')
    .description('List tasks and their resource requests.')
    .addOption(
      choiceOption(
        '-s, --status <status...>',
        'Task statuses (default: active ones).',
        TASK_FILTER_STATUSES,
        { lastWins: true },
      ),
    )
    .option('-w, --workflow-id <id>', 'Substring of the workflow ID.')
    .addOption(listOption('-u, --user <user...>', 'Tasks of these users.').conflicts('allUsers'))
    .addOption(new Option('-a, --all-users', 'Tasks of every user.'))
    .addOption(listOption('-p, --pool <pool...>', 'Restrict to these pools.').conflicts('node'))
    .addOption(listOption('-n, --node <node...>', 'Tasks that ran on these nodes.'))
    .option('--started-after <date>', 'Started at or after local midnight of YYYY-MM-DD.')
    .option('--started-before <date>', 'Started before local midnight of YYYY-MM-DD.')
    .addOption(intOption('-c, --count <n>', 'Number of tasks (default 20).', 1).default(20))
    .addOption(intOption('-f, --offset <n>', 'Skip this many tasks (default 0).', 0).default(0))
    .addOption(choiceOption('-o, --order <order>', 'Order (default asc).', ['asc', 'desc']).default('asc'))
    .addOption(new Option('-v, --verbose', 'Add resource request columns and totals.').conflicts('summary'))
    .option('-S, --summary', 'Resource requests grouped by user, pool and priority.')
    .option('-W, --aggregate-by-workflow', 'Resource requests grouped by workflow.')
    .addOption(
      choiceOption('--priority <priority...>', 'Priorities to show.', PRIORITIES, {
        caseInsensitive: true,
        lastWins: true,
      }),
    )
    .addOption(formatTypeOption())
    .action((flags: TaskListFlags) => runTaskList(toTaskListOptions(flags), deps));
}

function toTaskListOptions(flags: TaskListFlags): TaskListOptions {
  // -S wins over -W when both are given.
  const mode: TaskListMode =
    flags.summary === true
      ? 'summary'
      : flags.aggregateByWorkflow === true
        ? 'workflow'
        : flags.verbose === true
          ? 'verbose'
          : 'tasks';
  return {
    statuses: flags.status ?? DEFAULT_STATUSES,
    workflowId: flags.workflowId,
    users: flags.user,
    allUsers: flags.allUsers === true,
    pools: flags.pool,
    nodes: flags.node,
    startedAfter: flags.startedAfter,
    startedBefore: flags.startedBefore,
    count: flags.count,
    offset: flags.offset,
    order: flags.order,
    mode,
    priorities: flags.priority,
    format: flags.formatType,
  };
}

type Row = Readonly<Record<string, unknown>>;

const dash = (value: unknown): Cell => (value === null || value === undefined ? '-' : (value as Cell));
const gib = (value: unknown): Cell => (typeof value === 'number' ? pythonFloat(value) : dash(value));
const sum = (rows: readonly Row[], key: string): number =>
  rows.reduce((total, row) => total + (typeof row[key] === 'number' ? (row[key] as number) : 0), 0);
const resourceCells = (row: Row): Cell[] => [
  gib(row['storage']),
  dash(row['cpu']),
  gib(row['memory']),
  dash(row['gpu']),
];
const resourceTotals = (rows: readonly Row[]): Cell[] => [
  pythonFloat(sum(rows, 'storage')),
  sum(rows, 'cpu'),
  pythonFloat(sum(rows, 'memory')),
  sum(rows, 'gpu'),
];
const RESOURCE_HEADERS = ['storage', 'cpu', 'memory', 'gpu'];

/** The text table for one mode. */
export function renderTaskList(
  mode: TaskListMode,
  rows: readonly Row[],
  timeZone?: string,
  terminal?: TableTerminal,
): string {
  if (mode === 'summary' || mode === 'workflow') {
    if (rows.length === 0) {
      return mode === 'summary' ? 'There are no summaries to view.\n' : 'There are no workflows to view.\n';
    }
    const lead =
      mode === 'summary' ? ['User', 'Pool', 'Priority'] : ['User', 'Workflow ID', 'Pool', 'Priority'];
    const body = rows.map((r) => [
      ...(mode === 'summary'
        ? [dash(r['user']), dash(r['pool']), dash(r['priority'])]
        : [dash(r['user']), dash(r['workflow_id']), dash(r['pool']), dash(r['priority'])]),
      ...resourceCells(r),
    ]);
    const totals = [...lead.map(() => ''), ...resourceTotals(rows)];
    return renderTable([...lead, ...RESOURCE_HEADERS], body, { sumRow: totals, terminal });
  }
  if (rows.length === 0) return 'There are no tasks to view.\n';
  const headers = ['User', 'Workflow ID', 'Task', 'Status', 'Pool', 'Priority', 'Node', 'Start Time'];
  const body = rows.map((r) => [
    dash(r['user']),
    dash(r['workflow_id']),
    dash(r['task_name']),
    dash(r['status']),
    dash(r['pool']),
    dash(r['priority']),
    dash(r['node']),
    displayTimeOrDash(r['start_time'], timeZone),
    ...(mode === 'verbose' ? resourceCells(r) : []),
  ]);
  if (mode !== 'verbose') return renderTable(headers, body, { terminal });
  const totals = [...headers.map(() => ''), ...resourceTotals(rows)];
  return renderTable([...headers, ...RESOURCE_HEADERS], body, { sumRow: totals, terminal });
}

export async function runTaskList(opts: TaskListOptions, deps: CliDeps): Promise<void> {
  const after = opts.startedAfter === undefined ? undefined : localMidnightAsUtc(opts.startedAfter);
  const before = opts.startedBefore === undefined ? undefined : localMidnightAsUtc(opts.startedBefore);
  if (after !== undefined && before !== undefined && after > before) {
    // Upstream prints this plainly and exits 1 rather than raising.
    deps.io.out(
      `Value started-before (${opts.startedBefore}) needs to be later than started-after (${opts.startedAfter}).\n`,
    );
    throw new EarlyExit(1);
  }
  if (opts.count <= 0) throw userError('Count must be positive.');
  const client = await deps.client();
  const answer = await client.get(WIRE.TaskList, 'api/task', {
    limit: opts.count,
    offset: opts.offset,
    all_users: opts.allUsers,
    workflow_id: opts.workflowId,
    nodes: opts.nodes,
    users: opts.users,
    statuses: opts.statuses,
    order: opts.order.toUpperCase(),
    pools: opts.pools,
    all_pools: opts.pools === undefined ? true : undefined,
    summary: opts.mode === 'summary' ? true : undefined,
    aggregate_by_workflow: opts.mode === 'workflow' ? true : undefined,
    priority: opts.priorities,
    started_after: after,
    started_before: before,
  });
  if (opts.format === 'json') {
    deps.io.out(`${toPythonJson(answer, 2)}\n`);
    return;
  }
  const rows =
    opts.mode === 'summary' || opts.mode === 'workflow' ? (answer.summaries ?? []) : (answer.tasks ?? []);
  deps.io.out(renderTaskList(opts.mode, rows, deps.timeZone, tableTerminal(deps.io)));
}
