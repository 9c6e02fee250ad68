// `osmo token set|list|roles|delete`: personal access tokens, shown once at creation.
import { Command } from 'commander';
import { usageError } from '../../../core/index.js';
import type { CliDeps } from '../../cli-deps.js';
import { toPythonJson } from '../../output/json.js';
import { renderTable, tableTerminal } from '../../output/table.js';
import { requireLeaf } from '../../parse/group.js';
import { extendOption, formatTypeOption, type FormatType } from '../../parse/options.js';
import { WIRE } from '../../client/wire-schemas.generated.js';

const NAME = /^[a-zA-Z]([a-zA-Z0-9_-]*[a-zA-Z0-9])?$/;
const DEFAULT_DAYS = 31;

const base = (user: string | undefined): string =>
  user === undefined ? 'api/auth/access_token' : `api/auth/user/${encodeURIComponent(user)}/access_token`;

const isoDate = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

export function tokenCommand(deps: CliDeps): Command {
  const group = requireLeaf(new Command('token').description('Manage personal access tokens.'));
  group.addCommand(
    new Command('set')
      .description('Create a personal access token.')
      .argument('<name>', 'Token name.')
      .option('-e, --expires-at <date>', 'Expiry date YYYY-MM-DD (UTC).')
      .option('-d, --description <text>', 'Description.')
      .option('-u, --user <user>', 'Create for another user (admin).')
      .addOption(extendOption('-r, --roles <role...>', 'Roles of the token (default: all of yours).'))
      .addOption(formatTypeOption())
      .action(
        async (
          name: string,
          flags: {
            expiresAt?: string;
            description?: string;
            user?: string;
            roles: string[];
            formatType: FormatType;
          },
        ) => {
          if (!NAME.test(name)) throw usageError(`Token name ${name} must match regex ${NAME.source}`);
          const client = await deps.client();
          const token = await client.post(WIRE.TokenSecret, `${base(flags.user)}/${name}`, {
            expires_at: flags.expiresAt ?? isoDate(deps.nowMs() + DEFAULT_DAYS * 86400_000),
            description: flags.description,
            roles: flags.roles.length === 0 ? undefined : flags.roles,
          });
          if (flags.formatType === 'json') {
            deps.io.out(`${toPythonJson({ token }, 0)}\n`);
            return;
          }
          deps.io.out('Note: Save the token in a secure location as it will not be shown again\n');
          deps.io.out(`Access token: ${token}\n`);
          if (flags.user !== undefined) deps.io.out(`Created for user: ${flags.user}\n`);
          if (flags.roles.length > 0) deps.io.out(`Roles: ${flags.roles.join(', ')}\n`);
        },
      ),
  );
  group.addCommand(
    new Command('list')
      .description('List personal access tokens.')
      .option('-u, --user <user>', 'Another user (admin).')
      .addOption(formatTypeOption())
      .action(async (flags: { user?: string; formatType: FormatType }) => {
        const client = await deps.client();
        const tokens = await client.get(WIRE.AccessTokenList, base(flags.user));
        if (tokens.length === 0) {
          deps.io.out(
            flags.user === undefined ? 'No tokens found\n' : `No tokens found for user ${flags.user}\n`,
          );
          return;
        }
        if (flags.formatType === 'json') {
          deps.io.out(`${toPythonJson(tokens, 2)}\n`);
          return;
        }
        if (flags.user !== undefined) deps.io.out(`Tokens for user: ${flags.user}\n\n`);
        const today = isoDate(deps.nowMs());
        const rows = tokens.map((t) => {
          const date = (t.expires_at ?? '').slice(0, 10);
          return [
            t.token_name,
            t.description ?? '',
            date <= today ? 'Expired' : 'Active',
            date,
            t.roles.join(', ') || '-',
          ];
        });
        deps.io.out(
          `${renderTable(['Name', 'Description', 'Active', 'Expires At (UTC)', 'Roles'], rows, { autoTyped: true, terminal: tableTerminal(deps.io) })}\n`,
        );
      }),
  );
  group.addCommand(
    new Command('roles')
      .description('Show the roles of one of your tokens.')
      .argument('<name>', 'Token name.')
      .addOption(formatTypeOption())
      .action(async (name: string, flags: { formatType: FormatType }) => {
        const client = await deps.client();
        const answer = await client.get(
          WIRE.AccessTokenRoles,
          `api/auth/access_token/${encodeURIComponent(name)}/roles`,
        );
        if (flags.formatType === 'json') {
          deps.io.out(`${toPythonJson(answer, 2)}\n`);
          return;
        }
        deps.io.out(`Token: ${answer.token_name}\nOwner: ${answer.user_name}\n\n`);
        if (answer.roles.length === 0) deps.io.out('Roles: None\n');
        else {
          deps.io.out('Roles:\n');
          for (const r of answer.roles) {
            deps.io.out(
              `  - ${r.role_name} (assigned by ${r.assigned_by} on ${r.assigned_at.slice(0, 10)})\n`,
            );
          }
        }
      }),
  );
  group.addCommand(
    new Command('delete')
      .description('Delete a personal access token.')
      .argument('<name>', 'Token name.')
      .option('-u, --user <user>', 'Another user (admin).')
      .action(async (name: string, flags: { user?: string }) => {
        const client = await deps.client();
        await client.request(WIRE.Done, {
          method: 'DELETE',
          path: `${base(flags.user)}/${encodeURIComponent(name)}`,
        });
        deps.io.out(
          flags.user === undefined
            ? `Access token ${name} deleted\n`
            : `Access token ${name} deleted for user ${flags.user}\n`,
        );
      }),
  );
  return group;
}
