// Shared by logs, events and spec: prints a streamed text body as it arrives.
import type { CliDeps } from '../../cli-deps.js';
import type { OsmoClient } from '../../client/osmo-client.js';
import type { Query } from '../../client/query.js';
import { ServiceError } from '../../errors.js';

export interface StreamMessages {
  /** Printed after a blank line when the body ends prematurely (exit 0); null for spec. */
  readonly brokenStream: string | null;
  /** Prefix of the server error for other failures, e.g. `Failed to fetch logs`. */
  readonly failurePrefix: string;
}

export async function printStream(
  client: OsmoClient,
  path: string,
  query: Query,
  deps: CliDeps,
  messages: StreamMessages,
): Promise<void> {
  let lastText = '';
  try {
    await client.stream(path, query, (text) => {
      lastText = text;
      deps.io.out(text);
    });
  } catch (err) {
    if (err instanceof ServiceError) throw err;
    if (deps.signal.aborted) throw err;
    if (messages.brokenStream === null) {
      throw new ServiceError('server', `${messages.failurePrefix}: ${(err as Error).message}`);
    }
    deps.io.out(`${lastText === '' || lastText.endsWith('\n') ? '' : '\n'}\n${messages.brokenStream}\n`);
  }
}
