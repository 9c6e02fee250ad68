// Runs a workflow spec on a container engine with no service: groups in DAG order, through the container backend.
import { createHash, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createDockerBackend, registryOfImage } from '../../../backends/docker/index.js';
import {
  type AttemptLaunch,
  type AttemptReport,
  CONTAINER_TASK_PATHS,
  isTaskFinished,
  type RegistryAuth,
  userError,
} from '../../../core/index.js';
import {
  parseWorkflowSpec,
  substituteTaskTokens,
  type GroupSpec,
  type TaskSpec,
} from '../../../spec/index.js';
import type { Io } from '../../output/io.js';
import { engineSettingsHint } from './engine-hints.js';

export interface LocalRunOptions {
  readonly mode: 'standalone' | 'compose';
  readonly file: string;
  /** Null: the per-workflow directory under `runsDir`, so `--resume` finds the previous run by itself. */
  readonly workDir: string | null;
  /** Where per-workflow work directories live (`<state dir>/standalone`, `<state dir>/docker-compose`). */
  readonly runsDir: string;
  readonly dockerHost: string;
  readonly set: readonly string[];
  readonly setString: readonly string[];
  /** `NAME=PATH`: a REGISTRY credential file of `registry=`, `username=`, `auth=` lines. */
  readonly credentials: readonly string[];
  readonly shmSizeBytes: number | null;
  readonly keep: boolean;
  readonly resume: boolean;
  readonly fromStep: string | null;
}

interface RunState {
  workflow_fingerprint: string;
  tasks: Record<string, { exit_code: number | null; output_dir: string }>;
}

const HOST_TOKEN = /\{\{\s*host:/;

/** Runs the spec; resolves true when every group succeeded. Throws OsmoError for a spec it cannot run. */
export async function runLocal(options: LocalRunOptions, io: Io): Promise<boolean> {
  const text = await readFile(options.file, 'utf8');
  const spec = parseWorkflowSpec(text, { set: options.set, setString: options.setString, envVars: [] });
  const groups = orderGroups(spec.groups);
  const tasks = groups.flatMap((g) => g.tasks);
  if (options.mode === 'standalone' && tasks.some((t) => HOST_TOKEN.test(JSON.stringify(t)))) {
    throw userError(
      'This workflow uses {{host:...}} tokens, which need tasks running side by side: use `osmo docker-compose run`.',
    );
  }
  if (options.fromStep !== null && !tasks.some((t) => t.name === options.fromStep)) {
    throw userError(`Task "${options.fromStep}" not found in workflow`);
  }
  const registryAuth = await readRegistryCredentials(options.credentials);
  const workDir = await chooseWorkDir(options, spec.name, io);
  await mkdir(workDir, { recursive: true });
  const statePath = join(workDir, '.osmo-state.json');
  const fingerprint = createHash('sha256').update(JSON.stringify(tasks)).digest('hex');
  const state = await readState(statePath, fingerprint, options.resume || options.fromStep !== null, io);
  const rerun = downstreamOf(options.fromStep, groups);
  const backend = createDockerBackend({
    host: options.dockerHost,
    workRoot: join(workDir, 'runtime'),
    backendId: 'local',
    keepContainers: options.keep,
    // Without a service the user runs their own spec on their own machine: any path of theirs.
    fileUrlRoots: ['/'],
    ...(options.shmSizeBytes === null ? {} : { shmSizeBytes: options.shmSizeBytes }),
  });
  const workflowId = `local-${spec.name}`.replace(/[^A-Za-z0-9._-]/g, '-');
  let ok = true;
  // Every task of a run fails the same way on a misconfigured engine: say what to set once.
  const hinted = new Set<string>();
  try {
    await backend.nodes(); // a missing engine fails here, naming the socket
    io.err(`Workflow "${spec.name}": ${tasks.length} task(s) across ${groups.length} group(s)\n`);
    for (const group of groups) {
      const groupUuid = randomUUID().replace(/-/g, '');
      const launches = group.tasks.map((task) => {
        const ref = {
          workflowId,
          workflowUuid: workflowId,
          groupName: group.name,
          groupUuid,
          taskName: task.name,
          taskUuid: randomUUID().replace(/-/g, ''),
          retryId: Date.now() % 1_000_000,
        };
        const resolved: TaskSpec = substituteTaskTokens(task, {
          workflowId,
          outputPath: CONTAINER_TASK_PATHS.output,
          inputPath: (i) => CONTAINER_TASK_PATHS.input(i),
          hostOf: (name) => (group.tasks.some((t) => t.name === name) ? backend.taskHost(ref, name) : null),
        });
        return toLaunch(
          ref,
          resolved,
          spec.resources[task.resourceName],
          { ...options, workDir },
          registryAuth(resolved.image),
        );
      });
      const todo = launches.filter((l) => {
        const done = state.tasks[l.taskName]?.exit_code === 0 && !rerun.has(l.taskName);
        if (done) io.err(`Task "${l.taskName}" completed in a previous run: skipped\n`);
        return !done;
      });
      const results = new Map<string, number | null>();
      let leadDone: string | null = null;
      const runOne = async (launch: AttemptLaunch): Promise<void> => {
        io.err(`--- Running task: ${launch.taskName} (image: ${launch.image}) ---\n`);
        const final = await runAttempt(backend, launch, io);
        results.set(launch.taskName, final.exitCode);
        state.tasks[launch.taskName] = { exit_code: final.exitCode, output_dir: launch.outputPrefix };
        await writeState(statePath, state);
        io.err(`${endLine(launch.taskName, final, leadDone)}\n`);
        const hint = engineSettingsHint(final.message);
        if (hint !== null && !hinted.has(hint)) {
          hinted.add(hint);
          io.err(`${hint}\n`);
        }
        // The lead rule: a finished lead ends the group, its siblings are stopped.
        const spec = group.tasks.find((t) => t.name === launch.taskName);
        if (spec?.lead === true) {
          leadDone = launch.taskName;
          for (const other of todo) {
            if (!results.has(other.taskName)) {
              await backend.stop(other, 'FAILED_CANCELED', `Lead task ${launch.taskName} finished.`);
            }
          }
        }
      };
      if (options.mode === 'compose') await Promise.all(todo.map(runOne));
      else for (const launch of todo) await runOne(launch);
      const lead = group.tasks.find((t) => t.lead);
      const failed = group.tasks.filter((t) => {
        const code = results.has(t.name) ? results.get(t.name) : state.tasks[t.name]?.exit_code;
        if (code === 0) return false;
        if (lead !== undefined && !t.lead) return !group.ignoreNonleadStatus && results.get(lead.name) !== 0;
        return true;
      });
      if (failed.length > 0) {
        ok = false;
        break;
      }
    }
  } finally {
    await backend.close();
  }
  io.err(
    ok
      ? `Workflow "${spec.name}" completed successfully\n`
      : `Work directory preserved for debugging: ${workDir}\n`,
  );
  return ok;
}

/**
 * The given `--work-dir`, else `<runs dir>/<workflow name>`: emptied for a fresh run, kept for `--resume`
 * and `--from-step` (which need a previous run there).
 */
async function chooseWorkDir(options: LocalRunOptions, workflowName: string, io: Io): Promise<string> {
  if (options.workDir !== null) return options.workDir;
  const dir = join(options.runsDir, workflowName);
  if (options.resume || options.fromStep !== null) {
    if (!existsSync(join(dir, '.osmo-state.json'))) {
      throw userError(
        `No previous run of workflow "${workflowName}" to resume in ${dir}: run it once without --resume, or pass --work-dir.`,
      );
    }
  } else {
    try {
      await rm(dir, { recursive: true, force: true });
    } catch (err) {
      // Files a container wrote as another uid may not be ours to delete: set the old run aside instead.
      const aside = `${dir}.old-${Date.now()}`;
      await rename(dir, aside);
      io.err(`Could not empty ${dir} (${(err as Error).message}); the previous run is kept in ${aside}\n`);
    }
  }
  io.err(`Work directory: ${dir}\n`);
  return dir;
}

/** How a task ended, in words: a task stopped for its finished lead or never started has no exit code. */
function endLine(
  task: string,
  final: { status: string; exitCode: number | null; message: string | null },
  leadDone: string | null,
): string {
  if (final.status === 'COMPLETED') return `Task "${task}" completed successfully`;
  if (leadDone !== null && leadDone !== task && final.exitCode === null) {
    return `Task "${task}" stopped: its lead task "${leadDone}" finished`;
  }
  const reason = final.message ?? final.status;
  if (final.exitCode === null) return `Task "${task}" failed (${final.status}) before it exited: ${reason}`;
  return `Task "${task}" failed with exit code ${final.exitCode}: ${reason}`;
}

function runAttempt(backend: ReturnType<typeof createDockerBackend>, launch: AttemptLaunch, io: Io) {
  return new Promise<{ status: string; exitCode: number | null; message: string | null }>(
    (resolve, reject) => {
      const stop = backend.observe((report: AttemptReport) => {
        if (report.ref.taskName !== launch.taskName || report.ref.retryId !== launch.retryId) return;
        if (report.kind === 'log') {
          for (const { ioType, text } of report.records) {
            if (ioType === 'STDOUT') io.out(`${text}\n`);
            else io.err(`${ioType === 'STDERR' ? '' : `[${launch.taskName}][osmo] `}${text}\n`);
          }
          return;
        }
        if (isTaskFinished(report.status)) {
          stop();
          resolve(report);
        }
      });
      backend.launch(launch).catch(reject);
    },
  );
}

function toLaunch(
  ref: Omit<
    AttemptLaunch,
    | 'image'
    | 'command'
    | 'args'
    | 'environment'
    | 'files'
    | 'inputs'
    | 'outputs'
    | 'storage'
    | 'outputPrefix'
    | 'resources'
    | 'gpuIndices'
    | 'secrets'
  >,
  task: TaskSpec,
  resource: { cpu?: number | null; memoryBytes?: number | null; gpu?: number | null } | undefined,
  options: LocalRunOptions & { readonly workDir: string },
  registryAuth: RegistryAuth | null,
): AttemptLaunch {
  const gpu = resource?.gpu ?? 0;
  return {
    ...ref,
    image: task.image,
    command: task.command,
    args: task.args,
    environment: task.environment,
    files: task.files,
    inputs: task.inputs.map((input) => {
      if (input.kind !== 'task')
        throw userError(`Task "${task.name}": URL and dataset inputs are not supported locally`);
      return { kind: 'task' as const, storagePrefix: `tasks/${input.task}`, regex: input.regex || null };
    }),
    outputs: [],
    storage: { kind: 'local', root: join(options.workDir, 'storage') },
    outputPrefix: `tasks/${task.name}`,
    resources: { cpu: resource?.cpu ?? 1, memoryBytes: resource?.memoryBytes ?? 0, gpu },
    gpuIndices: Array.from({ length: gpu }, (_, i) => i),
    secrets: registryAuth === null ? [] : [registryAuth.password],
    registryAuth,
  };
}

/** Groups in topological order (a group after every group it reads from), list order otherwise. */
function orderGroups(groups: readonly GroupSpec[]): GroupSpec[] {
  const done = new Set<string>();
  const out: GroupSpec[] = [];
  while (out.length < groups.length) {
    const next = groups.find((g) => !done.has(g.name) && g.upstreamGroups.every((u) => done.has(u)));
    if (next === undefined) throw userError('Circular dependency detected between groups');
    done.add(next.name);
    out.push(next);
  }
  return out;
}

/** `--from-step TASK`: the task and every task reading from it, transitively. */
function downstreamOf(task: string | null, groups: readonly GroupSpec[]): Set<string> {
  const out = new Set<string>(task === null ? [] : [task]);
  for (let grew = true; grew;) {
    grew = false;
    for (const t of groups.flatMap((g) => g.tasks)) {
      if (!out.has(t.name) && t.inputs.some((i) => i.kind === 'task' && out.has(i.task))) {
        out.add(t.name);
        grew = true;
      }
    }
  }
  return out;
}

async function readState(path: string, fingerprint: string, resume: boolean, io: Io): Promise<RunState> {
  const fresh: RunState = { workflow_fingerprint: fingerprint, tasks: {} };
  if (!resume) return fresh;
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return fresh;
  }
  try {
    const state = JSON.parse(text) as RunState;
    if (state.workflow_fingerprint !== fingerprint)
      io.err('Warning: the workflow changed since the previous run\n');
    return { workflow_fingerprint: fingerprint, tasks: state.tasks };
  } catch {
    await rename(path, `${path}.corrupt.${Math.floor(Date.now() / 1000)}`);
    return fresh;
  }
}

async function writeState(path: string, state: RunState): Promise<void> {
  // Tasks of one wave finish concurrently: each write gets its own temporary file, the rename is atomic.
  const tmp = `${path}.${randomUUID()}.tmp`;
  await writeFile(tmp, JSON.stringify(state));
  await rename(tmp, path);
}

/** `NAME=PATH` files of `key=value` lines; returns the credential (if any) matching an image's registry. */
async function readRegistryCredentials(
  items: readonly string[],
): Promise<(image: string) => RegistryAuth | null> {
  const auths: RegistryAuth[] = [];
  for (const item of items) {
    const eq = item.indexOf('=');
    if (eq <= 0)
      throw userError(`--credential value "${item}" is incorrectly formatted (expected name=/path)`);
    const path = item.slice(eq + 1);
    const text = await readFile(path, 'utf8').catch(() => {
      throw userError(`Credential path for "${item.slice(0, eq)}" does not exist or is not a file: ${path}`);
    });
    const fields = Object.fromEntries(
      text
        .split('\n')
        .filter((l) => l.includes('='))
        .map((l) => [l.slice(0, l.indexOf('=')).trim(), l.slice(l.indexOf('=') + 1).trim()]),
    );
    auths.push({
      registry: fields['registry'] ?? '',
      username: fields['username'] ?? '',
      password: fields['auth'] ?? fields['password'] ?? '',
    });
  }
  return (image) => auths.find((a) => a.registry === '' || a.registry === registryOfImage(image)) ?? null;
}
