// `osmo workflow list`: newest-first paging in chunks of 1000, reversed for `--order asc`.
import { Command, Option } from 'commander';
import { PRIORITIES, WORKFLOW_STATUSES, userError } from '../../../core/index.js';
import type { CliDeps } from '../../cli-deps.js';
import { toPythonJson } from '../../output/json.js';
import { renderTable, tableTerminal } from '../../output/table.js';
import { displayTimeOrDash, localMidnightAsUtc } from '../../output/time.js';
import {
  appendOption,
  choiceOption,
  formatTypeOption,
  intOption,
  listOption,
  type FormatType,
} from '../../parse/options.js';
import { labelsText, type WorkflowListEntry } from '../shared/wire.js';
import { WIRE } from '../../client/wire-schemas.generated.js';

export const LIST_PAGE_LIMIT = 1000;
const MAX_SELECTOR_BYTES = 4096;

export interface WorkflowListOptions {
  readonly count: number;
  readonly offset: number;
  readonly name: string | undefined;
  readonly order: 'asc' | 'desc';
  readonly statuses: readonly string[] | undefined;
  readonly format: FormatType;
  readonly submittedAfter: string | undefined;
  readonly submittedBefore: string | undefined;
  readonly tags: readonly string[] | undefined;
  readonly priorities: readonly string[] | undefined;
  readonly labels: readonly string[];
  readonly noLabels: readonly string[];
  readonly users: readonly string[] | undefined;
  readonly allUsers: boolean;
  readonly pools: readonly string[] | undefined;
  readonly app: string | undefined;
}

interface ListFlags {
  count: number;
  offset: number;
  name?: string;
  order: 'asc' | 'desc';
  status?: string[];
  formatType: FormatType;
  submittedAfter?: string;
  submittedBefore?: string;
  tags?: string[];
  priority?: string[];
  label: string[];
  noLabel: string[];
  user?: string[];
  allUsers?: boolean;
  pool?: string[];
  app?: string;
}

export function workflowListCommand(deps: CliDeps): Command {
  return new Command('list')
    .description('List workflows.')
    .addOption(intOption('-c, --count <n>', 'Number of workflows to show (default 20).', 1).default(20))
    .addOption(
      intOption('-f, --offset <n>', 'Skip this many of the newest matches (default 0).', 0).default(0),
    )
    .option('-n, --name <name>', 'Substring of the workflow ID.')
    .addOption(
      choiceOption('-o, --order <order>', 'Display order (default asc).', ['asc', 'desc']).default('asc'),
    )
    .addOption(
      choiceOption('-s, --status <status...>', 'Statuses to show.', WORKFLOW_STATUSES, { lastWins: true }),
    )
    .addOption(formatTypeOption())
    .option('--submitted-after <date>', 'Submitted at or after local midnight of YYYY-MM-DD.')
    .option('--submitted-before <date>', 'Submitted before local midnight of YYYY-MM-DD.')
    .addOption(listOption('--tags <tag...>', 'Workflows having any of these tags.'))
    .addOption(
      choiceOption('--priority <priority...>', 'Priorities to show.', PRIORITIES, {
        caseInsensitive: true,
        lastWins: true,
      }),
    )
    .addOption(
      appendOption('--label <selector>', 'Label selector KEY=SELECTOR (repeatable, all must match).'),
    )
    .addOption(appendOption('--no-label <key>', 'Label key that must be absent (repeatable).'))
    .addOption(listOption('-u, --user <user...>', 'Workflows of these users.').conflicts('allUsers'))
    .addOption(new Option('-a, --all-users', 'Workflows of every user.'))
    .addOption(listOption('-p, --pool <pool...>', 'Restrict to these pools.'))
    .option('-P, --app <app>', 'Workflows launched from APP or APP:VERSION.')
    .action((flags: ListFlags) => runWorkflowList(toListOptions(flags), deps));
}

function toListOptions(flags: ListFlags): WorkflowListOptions {
  return {
    count: flags.count,
    offset: flags.offset,
    name: flags.name,
    order: flags.order,
    statuses: flags.status,
    format: flags.formatType,
    submittedAfter: flags.submittedAfter,
    submittedBefore: flags.submittedBefore,
    tags: flags.tags,
    priorities: flags.priority,
    labels: flags.label,
    noLabels: flags.noLabel,
    users: flags.user,
    allUsers: flags.allUsers === true,
    pools: flags.pool,
    app: flags.app,
  };
}

/** Client-side checks of label selectors; the service applies the full rules. */
export function checkLabelSelectors(selectors: readonly string[]): void {
  for (const selector of selectors) {
    const eq = selector.indexOf('=');
    if (eq <= 0 || eq === selector.length - 1)
      throw userError('Workflow label selectors must use key=value format.');
    if (Buffer.byteLength(selector) > MAX_SELECTOR_BYTES) {
      throw userError(`Workflow label selector is longer than ${MAX_SELECTOR_BYTES} bytes.`);
    }
  }
}

export async function runWorkflowList(opts: WorkflowListOptions, deps: CliDeps): Promise<void> {
  checkLabelSelectors(opts.labels);
  const after = opts.submittedAfter === undefined ? undefined : localMidnightAsUtc(opts.submittedAfter);
  const before = opts.submittedBefore === undefined ? undefined : localMidnightAsUtc(opts.submittedBefore);
  if (after !== undefined && before !== undefined && after > before) {
    throw userError(
      `Value submitted-before (${opts.submittedBefore}) needs to be later than submitted-after (${opts.submittedAfter}).`,
    );
  }
  const client = await deps.client();
  const collected: WorkflowListEntry[] = [];
  while (collected.length < opts.count) {
    const page = await client.get(WIRE.WorkflowList, 'api/workflow', {
      users: opts.users,
      statuses: opts.statuses,
      name: opts.name,
      order: 'DESC',
      all_users: opts.allUsers ? true : undefined,
      tags: opts.tags,
      pools: opts.pools,
      all_pools: opts.pools === undefined ? true : undefined,
      app: opts.app,
      priority: opts.priorities,
      label: opts.labels,
      no_label: opts.noLabels,
      submitted_after: after,
      submitted_before: before,
      limit: Math.min(opts.count - collected.length, LIST_PAGE_LIMIT),
      offset: opts.offset + collected.length,
    });
    collected.push(...page.workflows);
    if (!page.more_entries || page.workflows.length === 0) break;
  }
  const shown = opts.order === 'asc' ? collected.reverse() : collected;
  if (opts.format === 'json') {
    deps.io.out(`${toPythonJson({ workflows: shown }, 2)}\n`);
    return;
  }
  if (shown.length === 0) {
    deps.io.out('There are no workflows to view.\n');
    return;
  }
  const rows = shown.map((w) => [
    w.user,
    w.name,
    displayTimeOrDash(w.submit_time, deps.timeZone),
    w.status,
    w.priority,
    labelsText(w.labels),
    w.overview ?? '-',
  ]);
  deps.io.out(
    renderTable(['User', 'Workflow ID', 'Submit Time', 'Status', 'Priority', 'Labels', 'Overview'], rows, {
      terminal: tableTerminal(deps.io),
    }),
  );
}
