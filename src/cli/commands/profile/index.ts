// `osmo profile list|set` (cli.md §14): the caller's default pool and notification flags.
import { Command } from 'commander';
import { userError } from '../../../core/index.js';
import type { CliDeps } from '../../cli-deps.js';
import { toPythonJson } from '../../output/json.js';
import { formatTypeOption, type FormatType } from '../../parse/options.js';
import { requireLeaf } from '../../parse/group.js';

interface Settings {
  profile: {
    username: string;
    email_notification: boolean | null;
    slack_notification: boolean | null;
    pool: string | null;
  };
  roles: string[];
  pools: string[];
  token: { name: string; expires_at: string | null } | null;
}

const py = (v: boolean | string | null): string =>
  v === null ? 'None' : v === true ? 'True' : v === false ? 'False' : v;

export async function runProfileList(format: FormatType, deps: CliDeps): Promise<void> {
  const client = await deps.client();
  const s = (await client.getJson('api/profile/settings')) as Settings;
  if (format === 'json') {
    deps.io.out(`${toPythonJson(s, 2)}\n`);
    return;
  }
  const lines = [
    'user:',
    `  email: ${s.profile.username}`,
    'notifications:',
    `  email: ${py(s.profile.email_notification)}`,
    `  slack: ${py(s.profile.slack_notification)}`,
    'pool:',
    `  default: ${py(s.profile.pool)}`,
    '  accessible:',
    ...s.pools.map((p) => `    - ${p}`),
    ...(s.token
      ? [`token: ${s.token.name}`, `  expires_at: ${(s.token.expires_at ?? 'None').slice(0, 10)}`]
      : []),
    'roles:',
    ...s.roles.map((r) => `  - ${r}`),
  ];
  deps.io.out(`${lines.join('\n')}\n`);
}

export async function runProfileSet(
  kind: string,
  value: string,
  flag: string | undefined,
  deps: CliDeps,
): Promise<void> {
  const client = await deps.client();
  if (kind === 'pool') {
    await client.postJson('api/profile/settings', {}, { pool: value });
  } else {
    if (value !== 'email' && value !== 'slack') {
      throw userError(`Invalid type of notification: ${value}. Must be slack or email.`);
    }
    const enabled = (flag ?? 'true').toLowerCase() !== 'false';
    if (!enabled) deps.io.out(`Disabling ${value} notifications\n`);
    await client.postJson('api/profile/settings', {}, { [`${value}_notification`]: enabled });
  }
  deps.io.out('Profile Set\n');
}

export function profileCommand(deps: CliDeps): Command {
  const group = requireLeaf(new Command('profile').description('Your profile settings.'));
  group.addCommand(
    new Command('list')
      .description('Show your profile.')
      .addOption(formatTypeOption())
      .action((flags: { formatType: FormatType }) => runProfileList(flags.formatType, deps)),
  );
  group.addCommand(
    new Command('set')
      .description('Set the default pool or notifications.')
      .argument('<setting>', 'notifications or pool')
      .argument('<value>', 'pool name, or email/slack')
      .argument('[enabled]', 'true or false (notifications)')
      .action((setting: string, value: string, enabled: string | undefined) => {
        if (setting !== 'pool' && setting !== 'notifications') {
          throw userError(
            `argument setting: invalid choice: '${setting}' (choose from 'notifications', 'pool')`,
          );
        }
        return runProfileSet(setting, value, enabled, deps);
      }),
  );
  return group;
}
