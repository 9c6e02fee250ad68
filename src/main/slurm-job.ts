// Composition root of a Slurm job of the Slurm backend, on the job's first node:
// `node slurm-job.js <jobDir>` places each task of the group on a node of the allocation, fills in
// `{{host:task}}`, and runs each task under the task runtime (in this process for a task alone, else
// one `srun` step per task); `node slurm-job.js --step <attemptDir>` is such a step.
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { appendFile, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { EXIT_CODES, type AttemptLaunch } from '../core/index.js';
import { AttemptProcess, attemptFile, type LaunchFile, type ReportRecord } from '../runtime/index.js';
import { finalReport } from '../backends/process/attempt-recovery.js';
// The modules it needs, not the backend's index: every job pays for what it loads.
import {
  jobManifestPath,
  JobManifestSchema,
  PLACEHOLDER_MARK,
  resolveHosts,
  type JobManifest,
} from '../backends/slurm/job-manifest.js';
import { assignTasksToNodes, parseNodes, parseTasksPerNode } from '../backends/slurm/slurm-records.js';
import { stepArguments } from '../backends/slurm/job-request.js';

const run = promisify(execFile);
/** How often a running task's runtime looks for the backend's stop request. */
const STOP_POLL_MS = 250;
// Only these variables reach an unsandboxed command, as from the process backend's launcher.
const HOST_VARIABLES = ['PATH', 'HOME', 'USER', 'LOGNAME', 'LANG', 'LC_ALL', 'TZ'] as const;

const log = (message: string): void => {
  process.stderr.write(`${new Date().toISOString()} osmo slurm job: ${message}\n`);
};
const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err));

async function recordLoss(dir: string, message: string): Promise<void> {
  if ((await finalReport(dir)) !== null) return;
  const record: ReportRecord = {
    status: 'FAILED_BACKEND_ERROR',
    exitCode: EXIT_CODES.BACKEND_ERROR,
    message,
    at: new Date().toISOString(),
  };
  await appendFile(attemptFile(dir, 'reports'), `${JSON.stringify(record)}\n`);
}

/**
 * GPUs Slurm bound to this step, as the runtime's indices; none without. CUDA_VISIBLE_DEVICES first:
 * Slurm sets it as the task must see them (renumbered from 0 where device cgroups hide the others),
 * while SLURM_STEP_GPUS / SLURM_JOB_GPUS are the node's own numbers.
 */
function allocatedGpus(env: NodeJS.ProcessEnv): number[] {
  const list = env.CUDA_VISIBLE_DEVICES ?? env.SLURM_STEP_GPUS ?? env.SLURM_JOB_GPUS ?? '';
  return list
    .split(',')
    .map((v) => Number.parseInt(v, 10))
    .filter((n) => Number.isInteger(n) && n >= 0);
}

/** Runs one attempt under the task runtime; its launch file is read and removed before anything runs. */
async function runStep(dir: string): Promise<void> {
  // Stopped while the job was queued: the backend recorded its end, nothing is to run.
  if ((await finalReport(dir)) !== null) {
    await rm(attemptFile(dir, 'launch'), { force: true });
    return;
  }
  let launchFile: LaunchFile;
  try {
    launchFile = JSON.parse(await readFile(attemptFile(dir, 'launch'), 'utf8')) as LaunchFile;
  } catch (err) {
    await recordLoss(dir, `The task's launch could not be read on its Slurm node (${errorText(err)}).`);
    return;
  }
  await rm(attemptFile(dir, 'launch'), { force: true });
  const launch: AttemptLaunch = { ...launchFile.launch, gpuIndices: allocatedGpus(process.env) };
  const hostEnvironment: Record<string, string> = {};
  for (const name of HOST_VARIABLES) {
    const value = process.env[name];
    if (value !== undefined) hostEnvironment[name] = value;
  }
  const attempt = new AttemptProcess(dir, hostEnvironment);
  // scancel and a job's time limit signal the step: the runtime records why and stops the command.
  process.on('SIGTERM', () => attempt.requestStop());
  process.on('SIGINT', () => attempt.requestStop());
  // The backend runs elsewhere and cannot signal us: it leaves stop.json on the shared file system.
  const stopWatch = setInterval(() => {
    if (existsSync(attemptFile(dir, 'stop'))) attempt.requestStop();
  }, STOP_POLL_MS);
  try {
    await attempt.run(() => Promise.resolve(JSON.stringify({ ...launchFile, launch })));
  } finally {
    clearInterval(stopWatch);
  }
}

async function scontrol(args: readonly string[]): Promise<string> {
  return (await run('scontrol', [...args])).stdout;
}

/** `task name → address` for this job's tasks, merged into the group's file for later jobs of the group. */
async function placeTasks(
  manifest: JobManifest,
): Promise<{ nodes: string[]; hosts: Record<string, string> }> {
  const nodeList = process.env.SLURM_JOB_NODELIST ?? '';
  const names = (await scontrol(['show', 'hostnames', nodeList])).split('\n').filter((n) => n !== '');
  const perNode = parseTasksPerNode(process.env.SLURM_TASKS_PER_NODE ?? '1');
  const nodes = assignTasksToNodes(names, perNode, manifest.attempts.length);
  const addresses = new Map(
    parseNodes(await scontrol(['show', 'node', '--oneliner', names.join(',')])).map((n) => [
      n.name,
      n.address,
    ]),
  );
  let hosts: Record<string, string> = {};
  try {
    hosts = JSON.parse(await readFile(manifest.hostsFile, 'utf8')) as Record<string, string>;
  } catch {
    hosts = {}; // the group's first job
  }
  manifest.attempts.forEach((a, i) => {
    const node = nodes[i] ?? '';
    hosts[a.taskName] = addresses.get(node) ?? node;
  });
  await mkdir(dirname(manifest.hostsFile), { recursive: true, mode: 0o700 });
  const partial = `${manifest.hostsFile}.${process.pid}`;
  await writeFile(partial, JSON.stringify(hosts), { mode: 0o600 });
  await rename(partial, manifest.hostsFile);
  return { nodes, hosts };
}

/** Fills each task's `{{host:task}}` into its launch file before any of them starts. */
async function fillHosts(dir: string, hosts: Record<string, string>): Promise<void> {
  const path = attemptFile(dir, 'launch');
  if (!existsSync(path)) return;
  const launchFile = JSON.parse(await readFile(path, 'utf8')) as LaunchFile;
  const { launch, unresolved } = resolveHosts(launchFile.launch, hosts);
  const notices = unresolved.map(
    (name) => `No Slurm node is known for task ${name}: {{host:${name}}} is its bare name.`,
  );
  const filled: LaunchFile = { ...launchFile, launch, notices: [...launchFile.notices, ...notices] };
  await writeFile(path, JSON.stringify(filled), { mode: 0o600 });
}

/** One srun step per task, each on its node; a step that ended without the runtime's end gets one. */
async function runSteps(manifest: JobManifest, nodes: readonly string[]): Promise<void> {
  const entry = fileURLToPath(import.meta.url);
  await Promise.all(
    manifest.attempts.map(
      (a, i) =>
        new Promise<void>((resolve) => {
          let said = '';
          const child = spawn(
            'srun',
            [...stepArguments(a, nodes[i] ?? ''), process.execPath, entry, '--step', a.dir],
            { stdio: ['ignore', 'ignore', 'pipe'] },
          );
          child.stderr.setEncoding('utf8');
          child.stderr.on('data', (d: string) => {
            said = `${said}${d}`.slice(-2000);
            process.stderr.write(d);
          });
          child.on('error', (err) => {
            said = errorText(err);
          });
          child.on('close', (code) => {
            const why = said.trim() === '' ? `srun exited ${code ?? 'by a signal'}` : said.trim();
            void recordLoss(a.dir, `The task's Slurm step ended before its runtime recorded an end: ${why}`)
              .catch((err: unknown) => log(errorText(err)))
              .finally(resolve);
          });
        }),
    ),
  );
}

async function runJob(jobDir: string): Promise<void> {
  const manifest = JobManifestSchema.parse(JSON.parse(await readFile(jobManifestPath(jobDir), 'utf8')));
  const [only] = manifest.attempts;
  // A task alone that names no host runs here and now: no placement, no scontrol round trips.
  if (manifest.attempts.length === 1 && only !== undefined) {
    const launch = await readFile(attemptFile(only.dir, 'launch'), 'utf8').catch(() => '');
    if (!launch.includes(PLACEHOLDER_MARK)) {
      await runStep(only.dir);
      return;
    }
  }
  let placed: { nodes: string[]; hosts: Record<string, string> };
  try {
    placed = await placeTasks(manifest);
    for (const a of manifest.attempts) await fillHosts(a.dir, placed.hosts);
  } catch (err) {
    for (const a of manifest.attempts) {
      await recordLoss(a.dir, `The Slurm job could not place its tasks: ${errorText(err)}`);
    }
    return;
  }
  if (manifest.attempts.length === 1 && only !== undefined) await runStep(only.dir);
  else await runSteps(manifest, placed.nodes);
}

const [mode, target] = process.argv.slice(2);
// The batch script's own output goes to the job directory; a closed one must not end the tasks.
process.on('SIGPIPE', () => undefined);
try {
  if (mode === '--step' && target !== undefined) await runStep(target);
  else if (mode !== undefined && mode !== '--step') await runJob(mode);
  else {
    process.stderr.write('usage: slurm-job.js <jobDir> | slurm-job.js --step <attemptDir>\n');
    process.exitCode = 2;
  }
} catch (err) {
  log(errorText(err));
  process.exitCode = 1;
}
