// `osmo backend list` (cli.md §17): wired here, although upstream never registered it.
import { Command } from 'commander';
import type { CliDeps } from '../../cli-deps.js';
import { ServiceError } from '../../errors.js';
import { renderTable } from '../../output/table.js';
import { requireLeaf } from '../../parse/group.js';

interface BackendEntry {
  name?: unknown;
  description?: unknown;
  online?: unknown;
}

export async function runBackendList(deps: CliDeps): Promise<void> {
  const client = await deps.client();
  const response = (await client.getJson('api/configs/backend')) as { backends?: BackendEntry[] };
  const backends = response.backends;
  const malformed = (b: BackendEntry): boolean =>
    b.name === undefined || b.description === undefined || b.online === undefined;
  if (!Array.isArray(backends) || backends.some(malformed)) {
    throw new ServiceError('server', 'Backend response is not properly formatted.');
  }
  const rows = backends.map((b) => [
    String(b.name),
    String(b.description),
    b.online === true ? 'ONLINE' : 'OFFLINE',
  ]);
  deps.io.out(renderTable(['Name', 'Description', 'Status'], rows, { autoTyped: true }));
}

export function backendCommand(deps: CliDeps): Command {
  return requireLeaf(new Command('backend').description('Backend information.')).addCommand(
    new Command('list').description('List backends.').action(() => runBackendList(deps)),
  );
}
