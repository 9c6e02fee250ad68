// A one-node Slurm cluster for tests and benchmarks: slurmctld and slurmd from Debian's slurm-wlm,
// everything in a temp dir (configuration, state, spool, logs), no munge (auth/none: the cluster
// answers only this host's loopback), started here and stopped by PID. No systemd involved.
import { execFile, spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Why the Slurm tests cannot run here (the daemons or commands are not installed), or null when they can. */
export function slurmUnavailable(): string | null {
  const missing = ['slurmctld', 'slurmd', 'sbatch', 'srun', 'squeue', 'scontrol', 'scancel'].filter(
    (c) => spawnSync('sh', ['-c', `command -v ${c}`]).status !== 0,
  );
  if (missing.length > 0)
    return `Slurm is not installed (no ${missing.join(', ')}): apt-get install slurm-wlm`;
  return null;
}

export interface SlurmCluster {
  readonly dir: string;
  readonly conf: string;
  readonly nodeName: string;
  /** The environment Slurm's commands need to reach this cluster. */
  readonly env: NodeJS.ProcessEnv;
  /** Stops slurmctld alone (by PID), as an outage of the controller would. */
  stopController(): Promise<void>;
  /** Starts it again on its saved state; resolves once it answers. */
  startController(): Promise<void>;
  stop(): Promise<void>;
}

export interface SlurmClusterOptions {
  /** Job slots of the node, whatever its cores: the node declares them (config_overrides). */
  readonly cpus?: number;
  readonly memoryMiB?: number;
  readonly name?: string;
}

function config(dir: string, port: number, host: string, options: SlurmClusterOptions): string {
  return [
    `ClusterName=${options.name ?? 'osmotest'}`,
    `SlurmctldHost=${host}(127.0.0.1)`,
    'AuthType=auth/none',
    'CredType=cred/none',
    // The daemons run as whoever runs the tests; jobs then run as that user too.
    `SlurmUser=${userInfo().username}`,
    `SlurmdUser=${userInfo().username}`,
    `SlurmctldPort=${port}`,
    `SlurmdPort=${port + 1}`,
    `StateSaveLocation=${dir}/state`,
    `SlurmdSpoolDir=${dir}/spool`,
    `SlurmctldPidFile=${dir}/slurmctld.pid`,
    `SlurmdPidFile=${dir}/slurmd.pid`,
    `SlurmctldLogFile=${dir}/slurmctld.log`,
    `SlurmdLogFile=${dir}/slurmd.log`,
    'ProctrackType=proctrack/linuxproc',
    'TaskPlugin=task/none',
    'SelectType=select/cons_tres',
    'SelectTypeParameters=CR_Core_Memory',
    // A job that asks for no memory gets a little per CPU, not the whole node (Slurm's default).
    'DefMemPerCPU=100',
    'SchedulerType=sched/backfill',
    'SchedulerParameters=batch_sched_delay=0,sched_min_interval=0,bf_interval=1',
    'SlurmdParameters=config_overrides',
    'MpiDefault=none',
    'ReturnToService=2',
    // A stopped task gets its grace from osmo; Slurm's own kill waits are kept short for tests.
    'KillWait=5',
    'MinJobAge=300',
    'JobCompType=jobcomp/none',
    'AccountingStorageType=accounting_storage/none',
    `NodeName=${host} NodeAddr=127.0.0.1 CPUs=${options.cpus ?? 8} RealMemory=${options.memoryMiB ?? 64_000} State=UNKNOWN`,
    'PartitionName=osmo Nodes=ALL Default=YES MaxTime=INFINITE State=UP',
    '',
  ].join('\n');
}

const readPid = async (file: string): Promise<number> =>
  Number.parseInt(await readFile(file, 'utf8').catch(() => '0'), 10) || 0;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function killByPidFile(file: string): Promise<void> {
  const pid = await readPid(file);
  if (pid <= 0 || !alive(pid)) return;
  process.kill(pid, 'SIGTERM');
  for (let i = 0; i < 100 && alive(pid); i++) await sleep(50);
  if (alive(pid)) process.kill(pid, 'SIGKILL');
}

/** Starts the cluster and waits until its node takes jobs. */
export async function startSlurmCluster(options: SlurmClusterOptions = {}): Promise<SlurmCluster> {
  const dir = await mkdtemp(join(tmpdir(), 'osmo-slurm-'));
  const host = hostname();
  await mkdir(join(dir, 'state'));
  await mkdir(join(dir, 'spool'));
  const conf = join(dir, 'slurm.conf');
  // eslint-disable-next-line no-restricted-properties -- a test fixture: Slurm's commands inherit this environment
  const env = { ...process.env, SLURM_CONF: conf };
  const stop = async (): Promise<void> => {
    // Steps outlive a killed slurmd: a test that failed midway leaves none running behind it.
    await run('scancel', ['--me'], { env }).catch(() => undefined);
    for (let i = 0; i < 50; i++) {
      const { stdout } = await run('squeue', ['--me', '--noheader', '--format=%i'], { env }).catch(() => ({
        stdout: '',
      }));
      if (stdout.trim() === '') break;
      await sleep(100);
    }
    await killByPidFile(join(dir, 'slurmd.pid'));
    await killByPidFile(join(dir, 'slurmctld.pid'));
    await rm(dir, { recursive: true, force: true });
  };
  // Ports are picked at random: several test files may each run a cluster at once.
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 20_000) * 2;
    await writeFile(conf, config(dir, port, host, options));
    try {
      await run('slurmctld', ['-i', '-f', conf], { env });
      await run('slurmd', ['-f', conf], { env });
    } catch (err) {
      await killByPidFile(join(dir, 'slurmd.pid'));
      await killByPidFile(join(dir, 'slurmctld.pid'));
      if (attempt === 4) {
        await rm(dir, { recursive: true, force: true });
        throw err;
      }
      continue;
    }
    for (let i = 0; i < 300; i++) {
      const { stdout } = await run('sinfo', ['-h', '-o', '%t'], { env }).catch(() => ({ stdout: '' }));
      if (stdout.trim() === 'idle') {
        const stopController = () => killByPidFile(join(dir, 'slurmctld.pid'));
        const startController = async (): Promise<void> => {
          await run('slurmctld', ['-f', conf], { env });
          for (let j = 0; j < 300; j++) {
            if (
              await run('scontrol', ['ping'], { env }).then(
                () => true,
                () => false,
              )
            )
              return;
            await sleep(100);
          }
          throw new Error('slurmctld did not come back');
        };
        return { dir, conf, nodeName: host, env, stopController, startController, stop };
      }
      await sleep(100);
    }
    const logText = await readFile(join(dir, 'slurmctld.log'), 'utf8').catch(() => '');
    await stop();
    throw new Error(`the test Slurm cluster did not come up:\n${logText.slice(-4000)}`);
  }
  await stop();
  throw new Error('the test Slurm cluster did not start');
}
