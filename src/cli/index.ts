// The osmo CLI's public door: runCli builds the real dependencies and runs the command tree.
import type { Command } from 'commander';
import { readCliEnvironment } from '../config/cli-paths.js';
import { makeCliDeps, type CliDeps } from './cli-deps.js';
import { processIo } from './output/io.js';
import { loadProgram, runProgram } from './program.js';
import { EXIT_INTERRUPTED } from './exit-code.js';

export interface RunCliOptions {
  /** Commands added by other composition roots (e.g. `osmo service start`). */
  readonly extraCommands?: readonly Command[] | ((deps: CliDeps) => readonly Command[]);
}

/** Builds and runs the command tree; returns the exit code. */
export async function runCli(argv: readonly string[], options: RunCliOptions = {}): Promise<number> {
  const controller = new AbortController();
  const onSigint = (): void => controller.abort();
  process.once('SIGINT', onSigint);
  try {
    const env = readCliEnvironment();
    const deps = makeCliDeps({ io: processIo(env), env, signal: controller.signal });
    const extra =
      typeof options.extraCommands === 'function'
        ? options.extraCommands(deps)
        : (options.extraCommands ?? []);
    const code = await runProgram(loadProgram(deps, argv, extra), argv, deps);
    return controller.signal.aborted ? EXIT_INTERRUPTED : code;
  } finally {
    process.off('SIGINT', onSigint);
  }
}

export { buildProgram, loadProgram, runProgram } from './program.js';
export { makeCliDeps } from './cli-deps.js';
export type { CliDeps } from './cli-deps.js';
export { captureIo, processIo } from './output/io.js';
export type { Io, CapturedIo } from './output/io.js';
export { exitCodeFor } from './exit-code.js';
export { ServiceError, ArgparseError, EarlyExit, Interrupted } from './errors.js';
export { OsmoClient } from './client/osmo-client.js';
