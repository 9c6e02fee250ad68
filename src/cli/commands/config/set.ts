// `osmo config set ROLE NAME TYPE`: generates a pool or backend role and stores it.
import { Argument, Command } from 'commander';
import { userError } from '../../../core/index.js';
import type { CliDeps } from '../../cli-deps.js';
import { listOption } from '../../parse/options.js';
import { WIRE } from '../../client/wire-schemas.generated.js';

export interface RoleSetOptions {
  readonly name: string;
  readonly type: string;
  readonly field?: string;
  readonly description?: string;
  readonly tags?: readonly string[];
}

/** The role document upstream generates for `pool` and `backend` roles. */
export function generatedRole(opts: Pick<RoleSetOptions, 'name' | 'type' | 'field'>): object {
  const kind = opts.type.toLowerCase();
  if (kind === 'pool') {
    if (!opts.name.startsWith('osmo-')) throw userError('Pool role name must start with "osmo-"');
    if (opts.field !== undefined) throw userError('Pool name must be specified in the role name');
    const pool = opts.name.slice('osmo-'.length);
    return role(opts.name, `Generated Role for pool ${pool}`, ['workflow:*'], [`pool/${pool}*`]);
  }
  if (kind === 'backend') {
    if (opts.field === undefined) throw userError('Backend name is required for backend role');
    return role(
      opts.name,
      `Generated Role for backend ${opts.field}`,
      ['config:Read', 'internal:Operator', 'pool:List'],
      [`backend/${opts.field}`],
    );
  }
  throw userError(`Unsupported role type: ${opts.type}. Use pool or backend.`);
}

const role = (name: string, description: string, actions: string[], resources: string[]): object => ({
  name,
  description,
  policies: [{ effect: 'Allow', actions, resources }],
  immutable: false,
  sync_mode: 'import',
});

export function configSetCommand(deps: CliDeps): Command {
  return new Command('set')
    .description('Generate and store a role for a pool or a backend.')
    .addArgument(new Argument('<config_type>', 'Only ROLE.').choices(['ROLE']))
    .argument('<name>', 'The role name.')
    .argument('<type>', 'pool or backend.')
    .option('--field <field>', 'The backend of a backend role.')
    .option('--description <text>', 'Description of the change.')
    .addOption(listOption('--tags <tag...>', 'Tags of the new revision.'))
    .action(
      (
        _type: string,
        name: string,
        type: string,
        flags: { field?: string; description?: string; tags?: string[] },
      ) => runConfigSet({ name, type, ...flags }, deps),
    );
}

export async function runConfigSet(opts: RoleSetOptions, deps: CliDeps): Promise<void> {
  const configs = generatedRole(opts);
  const client = await deps.client();
  // No editor here: without --description a default one is recorded (see docs/compatibility.md).
  const body = {
    configs,
    description: opts.description ?? `Set ROLE ${opts.name}`,
    ...(opts.tags ? { tags: opts.tags } : {}),
  };
  try {
    await client.request(WIRE.Done, {
      method: 'PUT',
      path: `api/configs/role/${opts.name}`,
      query: {},
      body,
    });
  } catch (err) {
    throw userError(`Error setting config: ${(err as Error).message}`);
  }
  deps.io.out(`Successfully set ROLE config "${opts.name}"\n`);
}
