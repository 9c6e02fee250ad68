// `osmo credential set|list|delete`: payloads go to the service once and never come back.
import { readFile } from 'node:fs/promises';
import { Command } from 'commander';
import { usageError } from '../../../core/index.js';
import type { CliDeps } from '../../cli-deps.js';
import { EarlyExit } from '../../errors.js';
import { toPythonJson } from '../../output/json.js';
import { renderTable, tableTerminal } from '../../output/table.js';
import { requireLeaf } from '../../parse/group.js';
import { choiceOption, extendOption, FORMAT_TYPES, type FormatType } from '../../parse/options.js';
import {
  canonicalDataPayload,
  forgetLocalDataCredential,
  localDataEndpoints,
  storeLocalDataCredential,
} from './local-data-credential.js';
import { WIRE } from '../../client/wire-schemas.generated.js';

const NAME = /^[a-zA-Z]([a-zA-Z0-9_-]*[a-zA-Z0-9])?$/;
const TYPES = ['REGISTRY', 'DATA', 'GENERIC'] as const;
type CredType = (typeof TYPES)[number];

function checkName(name: string): void {
  if (!NAME.test(name)) {
    throw usageError(
      `Invalid name: ${name}. Names can only consist of letters, numbers, -, and _. The name must start with a letter.`,
    );
  }
}

/** Plain print and exit 1, as upstream's client-side payload checks do. */
function fail(deps: CliDeps, message: string): never {
  deps.io.out(`${message}\n`);
  throw new EarlyExit(1);
}

async function payloadOf(
  deps: CliDeps,
  literal: readonly string[],
  files: readonly string[],
): Promise<Record<string, string>> {
  const payload: Record<string, string> = {};
  for (const [items, fromFile] of [
    [literal, false],
    [files, true],
  ] as const) {
    for (const item of items) {
      const at = item.indexOf('=');
      if (at < 0) fail(deps, 'Error: Invalid payload format. Please use key=value pairs.');
      const key = item.slice(0, at);
      const value = item.slice(at + 1);
      if (key === '' || value === '') fail(deps, 'Error: Please provide non-empty keys and values.');
      if (!fromFile) payload[key] = value;
      else {
        payload[key] = await readFile(value, 'utf8').then(
          (text) => text.replace(/[\r\n]+$/, ''),
          () => fail(deps, `File ${value} cannot be found.`),
        );
      }
    }
  }
  return payload;
}

function requestBody(type: CredType, payload: Record<string, string>): object {
  if (type === 'REGISTRY') return { registry_credential: payload };
  if (type === 'DATA') return { data_credential: { ...payload, endpoint: payload['endpoint'] ?? '' } };
  return { generic_credential: { credential: payload } };
}

const formatOf = (cmd: Command): FormatType => (cmd.parent?.opts()['formatType'] ?? 'text') as FormatType;

export function credentialCommand(deps: CliDeps): Command {
  const group = requireLeaf(
    new Command('credential')
      .description('Manage your credentials (registry, data and generic secrets).')
      .addOption(choiceOption('--format-type <format>', 'Output format.', FORMAT_TYPES).default('text')),
  );
  group.addCommand(
    new Command('set')
      .description('Create or replace a credential.')
      .argument('<name>', 'Credential name.')
      .addOption(choiceOption('--type <type>', 'Credential type.', TYPES).default('GENERIC'))
      .addOption(extendOption('--payload <key=value...>', 'Payload values.'))
      .addOption(extendOption('--payload-file <key=path...>', 'Payload values read from files.'))
      .action(
        async (
          name: string,
          flags: { type: CredType; payload: string[]; payloadFile: string[] },
          cmd: Command,
        ) => {
          checkName(name);
          if (flags.payload.length === 0 && flags.payloadFile.length === 0) {
            throw usageError('one of the arguments --payload --payload-file is required');
          }
          const typed = await payloadOf(deps, flags.payload, flags.payloadFile);
          const payload = flags.type === 'DATA' ? canonicalDataPayload(typed) : typed;
          const client = await deps.client();
          const answer = await client.post(
            WIRE.Done,
            `api/credentials/${name}`,
            {},
            requestBody(flags.type, payload),
          );
          // `osmo data` talks to the storage itself, so it needs the secret on this machine too.
          if (flags.type === 'DATA') await storeLocalDataCredential(deps.env.configDir, payload);
          if (formatOf(cmd) === 'json') deps.io.out(`${toPythonJson(answer, 2)}\n`);
          else deps.io.out(`Set ${flags.type} credential ${name}.\n`);
        },
      ),
  );
  group.addCommand(
    new Command('list').description('List your credentials.').action(async (_flags: object, cmd: Command) => {
      const client = await deps.client();
      const answer = await client.get(WIRE.CredentialList, 'api/credentials');
      if (formatOf(cmd) === 'json') {
        deps.io.out(`${toPythonJson(answer, 2)}\n`);
        return;
      }
      const local = await localDataEndpoints(deps.env.configDir);
      const rows = answer.credentials.map((c) => [
        c.cred_name,
        c.cred_type,
        c.profile ?? 'None',
        c.cred_type !== 'DATA' ? 'N/A' : c.profile !== null && local.has(c.profile) ? 'Yes' : 'No',
      ]);
      deps.io.out(
        `${renderTable(['Name', 'Type', 'Profile', 'Local'], rows, { autoTyped: true, terminal: tableTerminal(deps.io) })}\n`,
      );
    }),
  );
  group.addCommand(
    new Command('delete')
      .description('Delete a credential.')
      .argument('<name>', 'Credential name.')
      .action(async (name: string) => {
        const client = await deps.client();
        const answer = await client.request(WIRE.CredentialList, {
          method: 'DELETE',
          path: `api/credentials/${encodeURIComponent(name)}`,
        });
        deps.io.out(`Deleted credential ${name}.\n`);
        for (const deleted of answer?.credentials ?? []) {
          if (deleted.cred_type === 'DATA' && typeof deleted.profile === 'string') {
            await forgetLocalDataCredential(deps.env.configDir, deleted.profile);
          }
        }
      }),
  );
  return group;
}
