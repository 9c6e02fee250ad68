// `osmo workflow query`: a workflow's summary and task table, plus `--watch`.
import { Command } from 'commander';
import type { CliDeps } from '../../cli-deps.js';
import { toPythonJson } from '../../output/json.js';
import { renderTable } from '../../output/table.js';
import { displayTimeOrDash } from '../../output/time.js';
import { formatTypeOption, type FormatType } from '../../parse/options.js';
import { labelsText, type WorkflowQuery } from '../shared/wire.js';
import { exitForWatched, watchWorkflow } from './watch.js';
import { WIRE } from '../../client/wire-schemas.generated.js';

export interface QueryOptions {
  readonly workflowId: string;
  readonly verbose: boolean;
  readonly format: FormatType;
  readonly watch: boolean;
  readonly logs?: boolean;
}

export function workflowQueryCommand(deps: CliDeps): Command {
  return new Command('query')
    .description("Show a workflow's status and tasks.")
    .argument('<workflow_id>', 'The workflow ID or UUID.')
    .option('-v, --verbose', 'Include every retry of every task.')
    .addOption(formatTypeOption())
    .option('--watch', 'Follow the workflow until it finishes; exit 0 only when it COMPLETED.')
    .option('--logs', 'With --watch (implied): also print the log lines as they arrive.')
    .action(
      (
        workflowId: string,
        flags: { verbose?: boolean; formatType: FormatType; watch?: boolean; logs?: boolean },
      ) =>
        runQuery(
          {
            workflowId,
            verbose: flags.verbose === true,
            format: flags.formatType,
            watch: flags.watch === true || flags.logs === true,
            logs: flags.logs === true,
          },
          deps,
        ),
    );
}

/** Our addition: why a PENDING workflow waits and, when computable, when it should start. */
function pendingLines(wf: WorkflowQuery, timeZone: string | undefined): string[] {
  const reason = wf['pending_reason'];
  if (typeof reason !== 'string') return [];
  const start = wf['estimated_start_time'];
  return [
    `Waiting     : ${reason}`,
    // Unknown when what it waits for has no declared end: no estimate beats a made-up one.
    `Est. Start  : ${typeof start === 'string' ? displayTimeOrDash(start, timeZone) : 'unknown'}`,
  ];
}

/** The text view of a query response; `typedId` is the ID as the user typed it. */
export function renderQueryText(
  wf: WorkflowQuery,
  typedId: string,
  verbose: boolean,
  timeZone?: string,
): string {
  const header = [
    '-'.repeat(68),
    '',
    `Workflow ID : ${typedId}`,
    `Status      : ${wf.status}`,
    `User        : ${wf.submitted_by ?? 'None'}`,
    `Submit Time : ${displayTimeOrDash(wf.submit_time, timeZone)}`,
    `Labels      : ${labelsText(wf.labels)}`,
    `Overview    : ${wf.overview ?? 'None'}`,
    ...pendingLines(wf, timeZone),
    '',
  ];
  const tasks = (wf.groups ?? []).flatMap((g) => g.tasks ?? []);
  const headers = verbose
    ? ['Task Name', 'Retry ID', 'Start Time', 'Status']
    : ['Task Name', 'Start Time', 'Status'];
  const rows = tasks.map((t) => {
    const start = displayTimeOrDash(t.start_time, timeZone);
    return verbose ? [t.name, t.retry_id, start, t.status] : [t.name, start, t.status];
  });
  return `${header.join('\n')}\n${renderTable(headers, rows)}`;
}

export async function runQuery(opts: QueryOptions, deps: CliDeps): Promise<void> {
  const client = await deps.client();
  const wf = await client.get(WIRE.WorkflowQuery, `api/workflow/${encodeURIComponent(opts.workflowId)}`, {
    verbose: opts.verbose,
  });
  if (opts.format === 'json') deps.io.out(`${toPythonJson(wf, 2)}\n`);
  else deps.io.out(renderQueryText(wf, opts.workflowId, opts.verbose, deps.timeZone));
  if (opts.watch)
    exitForWatched(
      await watchWorkflow(
        client,
        opts.workflowId,
        deps,
        { toStderr: opts.format === 'json', logs: opts.logs === true },
        wf,
      ),
    );
}
