// `osmo standalone run` and `osmo docker-compose run`: a workflow on a local container engine.
import { join } from 'node:path';
import { Command } from 'commander';
import type { CliDeps } from '../../cli-deps.js';
import { cliStateDir } from '../../../config/cli-state-dir.js';
import { usageError } from '../../../core/index.js';
import { EarlyExit } from '../../errors.js';

interface LocalFlags {
  file: string;
  workDir?: string;
  dockerHost: string;
  keep?: boolean;
  resume?: boolean;
  fromStep?: string;
  credential?: string[];
  set?: string[];
  setString?: string[];
  shmSize?: string;
}

const SIZE = /^(\d+)([kmg]?)b?$/i;
const parseSize = (text: string): number => {
  const m = SIZE.exec(text.trim());
  if (m === null) throw usageError(`--shm-size value "${text}" is not a size such as 16g`);
  const unit = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[(m[2] ?? '').toLowerCase()] ?? 1;
  return Number(m[1]) * unit;
};

function localCommand(deps: CliDeps, name: 'standalone' | 'docker-compose'): Command {
  const mode = name === 'standalone' ? 'standalone' : 'compose';
  const run = new Command('run')
    .description(
      mode === 'standalone'
        ? 'Run a workflow on a local container engine, one task at a time'
        : 'Run a workflow on a local container engine, the tasks of a group together',
    )
    .requiredOption('-f, --file <path>', 'workflow spec')
    .option(
      '--work-dir <dir>',
      'directory for task inputs, outputs and run state (default: one per workflow in the CLI state directory)',
    )
    .option(
      '--docker-host <url>',
      'Docker-Engine API (Docker or Podman socket)',
      'unix:///var/run/docker.sock',
    )
    .option('--keep', 'keep the containers and a temp work dir after success')
    .option(
      '--credential <items...>',
      'NAME=PATH: a REGISTRY credential file (registry=, username=, auth= lines)',
    )
    .option('--set <items...>', 'override default-values (K=V)')
    .option('--set-string <items...>', 'override default-values as strings (K=V)')
    .option('--shm-size <size>', 'shared memory size, e.g. 16g');
  if (mode === 'standalone') {
    run
      .option(
        '--resume',
        'skip tasks that completed in the previous run (in --work-dir, or of this workflow)',
      )
      .option('--from-step <task>', 're-run TASK and everything downstream of it (implies --resume)');
  }
  run.action(async (flags: LocalFlags) => {
    // Loaded only here: the rest of the CLI never pays for the container client and the spec engine.
    const { runLocal } = await import('./local-run.js');
    const ok = await runLocal(
      {
        mode,
        file: flags.file,
        workDir: flags.workDir ?? null,
        runsDir: join(cliStateDir(), name),
        dockerHost: flags.dockerHost,
        set: flags.set ?? [],
        setString: flags.setString ?? [],
        credentials: flags.credential ?? [],
        shmSizeBytes: flags.shmSize === undefined ? null : parseSize(flags.shmSize),
        keep: flags.keep === true,
        resume: flags.resume === true || flags.fromStep !== undefined,
        fromStep: flags.fromStep ?? null,
      },
      deps.io,
    );
    if (!ok) throw new EarlyExit(1);
  });
  return new Command(name).description(`Run a workflow locally (${name})`).addCommand(run);
}

export const standaloneCommand = (deps: CliDeps): Command => localCommand(deps, 'standalone');
export const dockerComposeCommand = (deps: CliDeps): Command => localCommand(deps, 'docker-compose');
