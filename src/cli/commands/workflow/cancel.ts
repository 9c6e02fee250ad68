// `osmo workflow cancel`: one request per ID; failures are reported and the loop goes on.
import { Command } from 'commander';
import type { CliDeps } from '../../cli-deps.js';
import { ServiceError } from '../../errors.js';
import { toPythonJson } from '../../output/json.js';
import { formatTypeOption, type FormatType } from '../../parse/options.js';
import { WIRE } from '../../client/wire-schemas.generated.js';

export interface CancelOptions {
  readonly workflowIds: readonly string[];
  readonly message: string | undefined;
  readonly force: boolean;
  readonly format: FormatType;
}

export function workflowCancelCommand(deps: CliDeps): Command {
  return new Command('cancel')
    .description('Cancel workflows.')
    .argument('<workflow_id...>', 'Workflow IDs or UUIDs.')
    .option('-m, --message <message>', 'Reason recorded with the cancellation.')
    .option('-f, --force', 'Force-cancel task group pods, also on finished workflows.')
    .addOption(formatTypeOption())
    .action((workflowIds: string[], flags: { message?: string; force?: boolean; formatType: FormatType }) =>
      runCancel(
        { workflowIds, message: flags.message, force: flags.force === true, format: flags.formatType },
        deps,
      ),
    );
}

export async function runCancel(opts: CancelOptions, deps: CliDeps): Promise<void> {
  const client = await deps.client();
  for (const id of opts.workflowIds) {
    try {
      const answer = await client.post(WIRE.WorkflowName, `api/workflow/${encodeURIComponent(id)}/cancel`, {
        force: opts.force,
        message: opts.message,
      });
      if (opts.format === 'json') deps.io.out(`${toPythonJson(answer, 4)}\n`);
      else deps.io.out(`Cancel job for workflow ${answer.name} is submitted!\n`);
    } catch (err) {
      // Per-item failures do not change the exit status; connection/server failures still stop.
      if (!(err instanceof ServiceError) || err.kind === 'server' || err.kind === 'connection') throw err;
      deps.io.out(`Workflow cancelation failed for workflow ${id}: ${err.message}\n`);
    }
  }
}
