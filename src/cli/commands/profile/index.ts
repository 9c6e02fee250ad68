// `osmo profile list|set`: the caller's default pool, default dataset bucket and notification flags.
import { Command } from 'commander';
import { userError } from '../../../core/index.js';
import type { CliDeps } from '../../cli-deps.js';
import { EarlyExit } from '../../errors.js';
import { toPythonJson } from '../../output/json.js';
import { formatTypeOption, type FormatType } from '../../parse/options.js';
import { requireLeaf } from '../../parse/group.js';
import { WIRE } from '../../client/wire-schemas.generated.js';

const BOTH_CHANNELS = /^(true|false)$/i;

const py = (v: boolean | string | null): string =>
  v === null ? 'None' : v === true ? 'True' : v === false ? 'False' : v;

export async function runProfileList(format: FormatType, deps: CliDeps): Promise<void> {
  const client = await deps.client();
  const s = await client.get(WIRE.ProfileSettings, 'api/profile/settings');
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
    // Our addition, shown only once set, as the bucket is.
    ...(s.profile.webhook_url ? [`  webhook: ${s.profile.webhook_url}`] : []),
    'pool:',
    `  default: ${py(s.profile.pool)}`,
    '  accessible:',
    ...s.pools.map((p) => `    - ${p}`),
    // Only once set: a user who never chose one sees upstream's output unchanged.
    ...(s.profile.bucket ? ['bucket:', `  default: ${s.profile.bucket}`] : []),
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
  if (kind === 'pool' || kind === 'bucket') {
    await client.post(WIRE.Done, 'api/profile/settings', {}, { [kind]: value });
  } else if (flag === undefined && BOTH_CHANNELS.test(value)) {
    // The skill's form, `profile set notifications true|false`: both channels at once.
    const enabled = value.toLowerCase() === 'true';
    if (!enabled) deps.io.out('Disabling email and slack notifications\n');
    await client.post(
      WIRE.Done,
      'api/profile/settings',
      {},
      { email_notification: enabled, slack_notification: enabled },
    );
  } else if (value === 'webhook') {
    // Our addition: a URL turns signed webhook notifications on, `false` turns them off.
    if (flag === undefined || /^true$/i.test(flag)) {
      throw userError(
        'Give the webhook URL: osmo profile set notifications webhook URL (or false to remove it)',
      );
    }
    const off = /^(false|)$/i.test(flag);
    if (off) deps.io.out('Disabling webhook notifications\n');
    await client.post(WIRE.Done, 'api/profile/settings', {}, { webhook_url: off ? '' : flag });
  } else {
    if (value !== 'email' && value !== 'slack') {
      // A plain line and exit 1, as upstream's client-side check does.
      deps.io.out(`Invalid type of notification: ${value}. Must be slack or email.\n`);
      throw new EarlyExit(1);
    }
    const enabled = (flag ?? 'true').toLowerCase() !== 'false';
    if (!enabled) deps.io.out(`Disabling ${value} notifications\n`);
    await client.post(WIRE.Done, 'api/profile/settings', {}, { [`${value}_notification`]: enabled });
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
      .description('Set the default pool, the default dataset bucket, or notifications.')
      .argument('<setting>', 'notifications, pool or bucket')
      .argument('<value>', 'pool or bucket name, or email/slack/webhook (true/false: email and slack)')
      .argument('[enabled]', 'true or false (email, slack), or the URL (webhook)')
      .action((setting: string, value: string, enabled: string | undefined) => {
        if (setting !== 'pool' && setting !== 'notifications' && setting !== 'bucket') {
          throw userError(
            `argument setting: invalid choice: '${setting}' (choose from 'notifications', 'pool', 'bucket')`,
          );
        }
        return runProfileSet(setting, value, enabled, deps);
      }),
  );
  return group;
}
