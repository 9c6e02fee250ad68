// Everything a command needs from the outside world, passed in so tests can swap it (style.md R12).
import type { CliEnvironment } from '../config/cli-paths.js';
import { nodeFetch, unixSocketFetch, type HttpFetch } from './client/http.js';
import type { OsmoClient } from './client/osmo-client.js';
import { openSession } from './client/session.js';
import type { Io } from './output/io.js';
import { stdinLineReader } from './output/line-reader.js';

export interface CliDeps {
  readonly io: Io;
  readonly env: CliEnvironment;
  readonly fetch: HttpFetch;
  readonly nowMs: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly signal: AbortSignal;
  /** Connection retries per request (upstream's client makes 5). */
  readonly connectRetries: number;
  /** Zone for displayed times; undefined means this machine's zone. */
  readonly timeZone: string | undefined;
  /** The next line typed on stdin (confirmation prompts), or null at end of input. */
  readonly readLine: () => Promise<string | null>;
  /** The client of the logged-in service; fails with `Must login first` otherwise. */
  client(): Promise<OsmoClient>;
}

export type CliDepsInput = Omit<
  CliDeps,
  'client' | 'nowMs' | 'sleep' | 'connectRetries' | 'timeZone' | 'fetch' | 'readLine'
> &
  Partial<Pick<CliDeps, 'nowMs' | 'sleep' | 'connectRetries' | 'timeZone' | 'fetch' | 'readLine'>>;

export function makeCliDeps(input: CliDepsInput): CliDeps {
  const base = {
    nowMs: () => Date.now(),
    sleep: (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
    connectRetries: 5,
    timeZone: undefined,
    fetch: input.env.serviceSocket === undefined ? nodeFetch : unixSocketFetch(input.env.serviceSocket),
    readLine: stdinLineReader(),
    ...input,
  };
  return { ...base, client: () => openSession(base) };
}
