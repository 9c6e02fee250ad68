// The level `osmo service start --log-level` asks of the service's logger. The CLI's root declares a
// `--log-level` of its own, and commander lets a parent's option be written after a subcommand, so
// the root takes the flag and `start` never sees it: it is read back from the root, in the CLI's
// names (Python logging's, upper case or numbers), and translated to the logger's.
import type { Command } from 'commander';

export const SERVICE_LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'silent'] as const;
export type ServiceLogLevel = (typeof SERVICE_LOG_LEVELS)[number];

const BY_CLI_NAME: Readonly<Record<string, ServiceLogLevel>> = {
  CRITICAL: 'fatal',
  FATAL: 'fatal',
  '50': 'fatal',
  ERROR: 'error',
  '40': 'error',
  WARNING: 'warn',
  WARN: 'warn',
  '30': 'warn',
  INFO: 'info',
  '20': 'info',
  DEBUG: 'debug',
  '10': 'debug',
  SILENT: 'silent',
};

/** The logger's level for a level as the CLI spells it (any case); undefined for one it has none for. */
export function serviceLogLevel(cliLevel: string): ServiceLogLevel | undefined {
  return BY_CLI_NAME[cliLevel.toUpperCase()];
}

/** The level written on the command line for `command` or the nearest command above it; undefined when none was. */
export function requestedLogLevel(command: Command): ServiceLogLevel | undefined {
  for (let at: Command | null = command; at !== null; at = at.parent) {
    if (at.getOptionValueSource('logLevel') !== 'cli') continue;
    const given: unknown = at.getOptionValue('logLevel');
    return typeof given === 'string' ? serviceLogLevel(given) : undefined;
  }
  return undefined;
}
