// `osmo backend list`: wired here, although upstream never registered it.
import { Command } from 'commander';
import type { CliDeps } from '../../cli-deps.js';
import { conforms } from '../../client/wire-check.js';
import { WIRE, WIRE_JSON } from '../../client/wire-schemas.generated.js';
import { ServiceError } from '../../errors.js';
import { renderTable, tableTerminal } from '../../output/table.js';
import { requireLeaf } from '../../parse/group.js';

export async function runBackendList(deps: CliDeps): Promise<void> {
  const client = await deps.client();
  // Upstream's own words when the answer is not the contract's shape.
  const answer = await client.requestJson({ method: 'GET', path: 'api/configs/backend' });
  if (!conforms(WIRE_JSON, WIRE.BackendList, answer)) {
    throw new ServiceError('server', 'Backend response is not properly formatted.');
  }
  const { backends } = answer;
  const rows = backends.map((b) => [
    String(b.name),
    String(b.description),
    b.online === true ? 'ONLINE' : 'OFFLINE',
  ]);
  deps.io.out(
    renderTable(['Name', 'Description', 'Status'], rows, {
      autoTyped: true,
      terminal: tableTerminal(deps.io),
    }),
  );
}

export function backendCommand(deps: CliDeps): Command {
  return requireLeaf(new Command('backend').description('Backend information.')).addCommand(
    new Command('list').description('List backends.').action(() => runBackendList(deps)),
  );
}
