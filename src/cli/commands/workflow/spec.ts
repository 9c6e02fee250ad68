// `osmo workflow spec`: prints the stored (rendered or templated) spec.
import { Command } from 'commander';
import type { CliDeps } from '../../cli-deps.js';
import { printStream } from './stream-text.js';

export interface SpecOptions {
  readonly workflowId: string;
  readonly template: boolean;
}

export function workflowSpecCommand(deps: CliDeps): Command {
  return new Command('spec')
    .description("Print a workflow's spec.")
    .argument('<workflow_id>', 'The workflow ID or UUID.')
    .option('--template', 'The original templated spec instead of the rendered one.')
    .action((workflowId: string, flags: { template?: boolean }) =>
      runSpec({ workflowId, template: flags.template === true }, deps),
    );
}

export async function runSpec(opts: SpecOptions, deps: CliDeps): Promise<void> {
  const client = await deps.client();
  await printStream(
    client,
    `api/workflow/${encodeURIComponent(opts.workflowId)}/spec`,
    { use_template: opts.template },
    deps,
    { brokenStream: null, failurePrefix: 'Failed to fetch spec' },
  );
}
