// `osmo user list|create|update|delete|get`: user and role administration for admins.
import { readFile } from 'node:fs/promises';
import { Command } from 'commander';
import type { CliDeps } from '../../cli-deps.js';
import { toPythonJson } from '../../output/json.js';
import { renderTable, tableTerminal } from '../../output/table.js';
import { requireLeaf } from '../../parse/group.js';
import { extendOption, formatTypeOption, intOption, type FormatType } from '../../parse/options.js';
import type { UserEntry, UserWithRoles } from '../../../api/contract/auth-wire.js';
import { WIRE } from '../../client/wire-schemas.generated.js';

/** A listed user has no roles; `get` shows them. */
type UserJson = UserEntry & Partial<Pick<UserWithRoles, 'roles'>>;

const userPath = (id: string): string => `api/auth/user/${encodeURIComponent(id)}`;

function printUser(deps: CliDeps, user: UserJson): void {
  deps.io.out(
    `User ID: ${user.id}\nCreated At: ${user.created_at.slice(0, 10)}\nCreated By: ${user.created_by ?? '-'}\n`,
  );
  const roles = user.roles ?? [];
  if (roles.length === 0) {
    deps.io.out('\nRoles: None\n');
    return;
  }
  deps.io.out('\nRoles:\n');
  for (const r of roles)
    deps.io.out(`  - ${r.role_name} (assigned by ${r.assigned_by} on ${r.assigned_at.slice(0, 10)})\n`);
}

export function userCommand(deps: CliDeps): Command {
  const group = requireLeaf(new Command('user').description('Manage users and their roles (admin).'));
  group.addCommand(
    new Command('list')
      .description('List users.')
      .option('-p, --id-prefix <prefix>', 'Only users whose id starts with this.')
      .addOption(extendOption('-r, --roles <role...>', 'Only users holding any of these roles.'))
      .addOption(intOption('-c, --count <n>', 'How many users to show.').default(100))
      .addOption(formatTypeOption())
      .action(
        async (flags: { idPrefix?: string; roles: string[]; count: number; formatType: FormatType }) => {
          const client = await deps.client();
          const answer = await client.get(WIRE.UserPage, 'api/auth/user', {
            count: flags.count,
            id_prefix: flags.idPrefix,
            roles: flags.roles.length === 0 ? undefined : flags.roles,
          });
          if (answer.users.length === 0) {
            deps.io.out('No users found\n');
            return;
          }
          if (flags.formatType === 'json') {
            deps.io.out(`${toPythonJson(answer, 2)}\n`);
            return;
          }
          const rows = answer.users.map((u) => [u.id, u.created_at.slice(0, 10)]);
          deps.io.out(
            `Total users: ${answer.total_results}\n\n${renderTable(['User ID', 'Created At'], rows, { autoTyped: true, terminal: tableTerminal(deps.io) })}\n`,
          );
        },
      ),
  );
  group.addCommand(
    new Command('create')
      .description('Create a user.')
      .argument('<user_id>', 'User id.')
      .addOption(extendOption('-r, --roles <role...>', 'Roles to assign.'))
      .option('--password-file <path>', 'File holding a password for the password and code logins.')
      .addOption(formatTypeOption())
      .action(
        async (id: string, flags: { roles: string[]; passwordFile?: string; formatType: FormatType }) => {
          const client = await deps.client();
          const password =
            flags.passwordFile === undefined
              ? undefined
              : (await readFile(flags.passwordFile, 'utf8')).replace(/[\r\n]+$/, '');
          const user = await client.post(
            WIRE.UserEntry,
            'api/auth/user',
            {},
            {
              id,
              ...(flags.roles.length === 0 ? {} : { roles: flags.roles }),
              ...(password === undefined ? {} : { password }),
            },
          );
          if (flags.formatType === 'json') {
            deps.io.out(`${toPythonJson(user, 2)}\n`);
            return;
          }
          deps.io.out(`User created: ${id}\n`);
          if (flags.roles.length > 0) deps.io.out(`Roles assigned: ${flags.roles.join(', ')}\n`);
        },
      ),
  );
  group.addCommand(
    new Command('update')
      .description("Add or remove a user's roles.")
      .argument('<user_id>', 'User id.')
      .addOption(extendOption('-a, --add-roles <role...>', 'Roles to add.'))
      .addOption(extendOption('-r, --remove-roles <role...>', 'Roles to remove.'))
      .addOption(formatTypeOption())
      .action(
        async (id: string, flags: { addRoles: string[]; removeRoles: string[]; formatType: FormatType }) => {
          const client = await deps.client();
          if (flags.addRoles.length === 0 && flags.removeRoles.length === 0 && flags.formatType === 'text') {
            deps.io.out('No updates specified. Use --add-roles or --remove-roles.\n');
            return;
          }
          for (const role of flags.addRoles) {
            await client.post(WIRE.UserRoleAdded, `${userPath(id)}/roles`, {}, { role_name: role });
            deps.io.out(`Added role: ${role}\n`);
          }
          for (const role of flags.removeRoles) {
            await client.request(WIRE.Done, {
              method: 'DELETE',
              path: `${userPath(id)}/roles/${encodeURIComponent(role)}`,
            });
            deps.io.out(`Removed role: ${role}\n`);
          }
          if (flags.formatType === 'json')
            deps.io.out(`${toPythonJson(await client.get(WIRE.UserWithRoles, userPath(id)), 2)}\n`);
        },
      ),
  );
  group.addCommand(
    new Command('delete')
      .description('Delete a user with its tokens, roles and credentials.')
      .argument('<user_id>', 'User id.')
      .option('-f, --force', 'Do not ask for confirmation.')
      .action(async (id: string, flags: { force?: boolean }) => {
        if (flags.force !== true) {
          deps.io.out(
            `Are you sure you want to delete user "${id}"? This will delete all associated tokens, roles, and profile. [y/N]: `,
          );
          const answer = await deps.readLine();
          if (answer === null || !/^[yY]$/.test(answer.trim())) {
            deps.io.out('Cancelled\n');
            return;
          }
        }
        const client = await deps.client();
        await client.request(WIRE.Done, { method: 'DELETE', path: userPath(id) });
        deps.io.out(`User deleted: ${id}\n`);
      }),
  );
  group.addCommand(
    new Command('get')
      .description('Show a user and its roles.')
      .argument('<user_id>', 'User id.')
      .addOption(formatTypeOption())
      .action(async (id: string, flags: { formatType: FormatType }) => {
        const client = await deps.client();
        const user = await client.get(WIRE.UserWithRoles, userPath(id));
        if (flags.formatType === 'json') deps.io.out(`${toPythonJson(user, 2)}\n`);
        else printUser(deps, user);
      }),
  );
  return group;
}
