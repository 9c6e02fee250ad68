// `osmo workflow tag`: adds/removes tags on workflows, or lists the allowed tags.
import { Command } from 'commander';
import { userError } from '../../../core/index.js';
import type { CliDeps } from '../../cli-deps.js';
import { ServiceError } from '../../errors.js';
import { listOption } from '../../parse/options.js';
import { WIRE } from '../../client/wire-schemas.generated.js';

export interface TagOptions {
  readonly workflows: readonly string[] | undefined;
  readonly add: readonly string[];
  readonly remove: readonly string[];
}

export function workflowTagCommand(deps: CliDeps): Command {
  return new Command('tag')
    .description('Add or remove workflow tags, or list the allowed tags.')
    .addOption(listOption('-w, --workflow <workflow_id...>', 'Workflows to modify.'))
    .addOption(listOption('-a, --add <tag...>', 'Tags to add.'))
    .addOption(listOption('-r, --remove <tag...>', 'Tags to remove (applied before adds).'))
    .action((flags: { workflow?: string[]; add?: string[]; remove?: string[] }) =>
      runTag({ workflows: flags.workflow, add: flags.add ?? [], remove: flags.remove ?? [] }, deps),
    );
}

export async function runTag(opts: TagOptions, deps: CliDeps): Promise<void> {
  const changes = opts.add.length + opts.remove.length > 0;
  if (opts.workflows === undefined && changes)
    throw userError('No workflow specified to add/remove tags from!');
  if (opts.workflows !== undefined && !changes) throw userError('No tags specified to add/remove!');
  const client = await deps.client();
  if (opts.workflows === undefined) {
    const answer = await client.get(WIRE.Tags, 'api/tag');
    const tags = answer.tags ?? [];
    if (tags.length === 0) deps.io.out('No tags have been set by admins.\n');
    deps.io.out(`Tags:\n${tags.map((t) => `- ${t}\n`).join('')}`);
    return;
  }
  for (const wf of opts.workflows) {
    try {
      await client.post(WIRE.Done, `api/workflow/${encodeURIComponent(wf)}/tag`, {
        add: opts.add,
        remove: opts.remove,
      });
      deps.io.out(`Workflow ${wf} updated.\n`);
    } catch (err) {
      if (!(err instanceof ServiceError) || err.kind !== 'user') throw err;
      deps.io.out(`${err.message}\n`);
    }
  }
}
