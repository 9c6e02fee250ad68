import { Command } from 'commander';
import { OSMO_VERSION } from '../core/index.js';

/** Builds and runs the command tree; returns the exit code (cli.md §1.8). */
export async function runCli(argv: readonly string[]): Promise<number> {
  const program = new Command('osmo').description('OSMO workflow orchestration CLI');
  program
    .command('version')
    .description('Show the client version')
    .action(() => {
      process.stdout.write(`OSMO client version: ${OSMO_VERSION}\n`);
    });
  await program.parseAsync([...argv], { from: 'user' });
  return 0;
}
