// The behaviour every backend must show (style R8): each backend's test file runs this suite.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type AttemptLaunch,
  type AttemptLogRecord,
  type AttemptRef,
  type AttemptStatusReport,
  CONTAINER_TASK_PATHS,
  isTaskFinished,
  type TaskPaths,
} from '../core/index.js';
import { LocalStorage } from '../storage/index.js';
import type { Backend } from './backend.js';

const ATTEMPT_TIMEOUT_MS = 20_000;

export interface AttemptOutcome {
  readonly final: AttemptStatusReport;
  readonly statuses: readonly AttemptStatusReport[];
  /** De-duplicated by seq, in seq order. */
  readonly logs: readonly AttemptLogRecord[];
  /** How many log reports carried them. */
  readonly logBatches: number;
}

const sameAttempt = (a: AttemptRef, b: AttemptRef): boolean =>
  a.workflowId === b.workflowId && a.taskName === b.taskName && a.retryId === b.retryId;

/**
 * Collects one attempt's reports until its final status (or fails after a timeout); `running` settles
 * when the command printed the line `started`.
 */
export function collectAttempt(backend: Backend, ref: AttemptRef, timeoutMs = ATTEMPT_TIMEOUT_MS) {
  const statuses: AttemptStatusReport[] = [];
  const logs = new Map<number, AttemptLogRecord>();
  let batches = 0;
  let onRunning: (() => void) | null = null;
  const running = new Promise<void>((resolve) => (onRunning = resolve));
  let dispose = (): void => undefined;
  const outcome = new Promise<AttemptOutcome>((resolve, reject) => {
    const timer = setTimeout(() => {
      stopObserving();
      reject(
        new Error(
          `attempt ${ref.taskName} did not finish in ${timeoutMs} ms; saw ${statuses.map((s) => s.status).join(',')}`,
        ),
      );
    }, timeoutMs);
    dispose = () => {
      clearTimeout(timer);
      stopObserving();
    };
    const stopObserving = backend.observe((report) => {
      if (!sameAttempt(report.ref, ref)) return;
      if (report.kind === 'log') {
        for (const record of report.records) {
          logs.set(record.seq, record);
          if (record.text === 'started') onRunning?.();
        }
        batches += 1;
        return;
      }
      statuses.push(report);
      if (isTaskFinished(report.status)) {
        clearTimeout(timer);
        stopObserving();
        const sorted = [...logs.values()].sort((a, b) => a.seq - b.seq);
        resolve({ final: report, statuses, logs: sorted, logBatches: batches });
      }
    });
  });
  /** `dispose` stops collecting; `outcome` then never settles. */
  return { outcome, running, dispose: () => dispose() };
}

export const textsOf = (logs: readonly AttemptLogRecord[], ioType: AttemptLogRecord['ioType']): string[] =>
  logs.filter((l) => l.ioType === ioType).map((l) => l.text);

/** Process ids whose command line contains the marker (empty where /proc does not exist). */
export async function processesWith(marker: string): Promise<number[]> {
  const found: number[] = [];
  for (const entry of await readdir('/proc').catch(() => [])) {
    if (!/^\d+$/.test(entry)) continue;
    const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.includes(marker)) found.push(Number(entry));
  }
  return found;
}

/** A fresh attempt description in its own workflow; the contract's storage lives under `storageRoot`. */
export function makeAttempt(storageRoot: string, overrides: Partial<AttemptLaunch> = {}): AttemptLaunch {
  const id = randomBytes(4).toString('hex');
  const workflowId = overrides.workflowId ?? `contract-${id}`;
  const taskName = overrides.taskName ?? 'task';
  return {
    workflowId,
    workflowUuid: `wf-uuid-${id}`,
    groupName: 'group',
    groupUuid: `group-uuid-${id}`,
    taskName,
    taskUuid: `task-uuid-${id}`,
    retryId: 0,
    image: 'ubuntu:24.04',
    command: ['true'],
    args: [],
    environment: {},
    files: [],
    inputs: [],
    outputs: [],
    storage: { kind: 'local', root: storageRoot },
    outputPrefix: `${workflowId}/${taskName}`,
    resources: { cpu: 1, memoryBytes: 256 * 1024 * 1024, gpu: 0 },
    gpuIndices: [],
    secrets: [],
    ...overrides,
  };
}

/** Contract cases a backend variant skips, each with why (as hono's router suites list theirs). */
export interface ContractSkips {
  /** Without a sandbox, `files:` outside `/osmo` are kept in the attempt directory, not at their path. */
  readonly filesAtTheirPath?: string;
}

/** How the suite waits on a backend whose attempts start slower than a local process (a batch scheduler). */
export interface ContractOptions {
  /** How long one attempt may take to end; 20 s by default. */
  readonly attemptTimeoutMs?: number;
}

export function backendContract(
  name: string,
  make: () => Promise<Backend>,
  skips: ContractSkips = {},
  contractOptions: ContractOptions = {},
): void {
  const timeoutMs = contractOptions.attemptTimeoutMs ?? ATTEMPT_TIMEOUT_MS;
  void describe(`${name} backend contract`, () => {
    let backend: Backend;
    let root: string;
    const paths = (ref: AttemptRef): Promise<TaskPaths> =>
      backend.taskPaths?.(ref) ?? Promise.resolve(CONTAINER_TASK_PATHS);
    const run = async (launch: AttemptLaunch): Promise<AttemptOutcome> => {
      const { outcome } = collectAttempt(backend, launch, timeoutMs);
      await backend.launch(launch);
      return outcome;
    };

    before(async () => {
      root = await mkdtemp(join(tmpdir(), 'osmo-contract-'));
      backend = await make();
    });
    after(async () => {
      await backend.close();
      await rm(root, { recursive: true, force: true });
    });

    void test('`true` ends COMPLETED with exit 0 after RUNNING', async () => {
      const { final, statuses } = await run(makeAttempt(join(root, 'storage')));
      assert.equal(final.status, 'COMPLETED');
      assert.equal(final.exitCode, 0);
      assert.ok(statuses.some((s) => s.status === 'RUNNING'));
    });

    void test('`exit 3` ends FAILED with exit 3', async () => {
      const { final } = await run(
        makeAttempt(join(root, 'storage'), { command: ['sh', '-c'], args: ['exit 3'] }),
      );
      assert.equal(final.status, 'FAILED');
      assert.equal(final.exitCode, 3);
    });

    void test('a command killed by a signal ends FAILED with exit 255', async () => {
      // `$$$$` reaches the shell as `$$`: a command's `$$` is the escape of `$(NAME)` expansion.
      const { final } = await run(
        makeAttempt(join(root, 'storage'), { command: ['sh', '-c', 'kill -9 $$$$'] }),
      );
      assert.equal(final.status, 'FAILED');
      assert.equal(final.exitCode, 255);
    });

    void test('stdout and stderr lines arrive in order, with consecutive seq from 0', async () => {
      const { logs } = await run(
        makeAttempt(join(root, 'storage'), {
          command: ['sh', '-c', 'echo one; echo two >&2; echo three; printf tail'],
        }),
      );
      assert.deepEqual(textsOf(logs, 'STDOUT'), ['one', 'three', 'tail']);
      assert.deepEqual(textsOf(logs, 'STDERR'), ['two']);
      assert.deepEqual(
        logs.map((l) => l.seq),
        logs.map((_, i) => i),
      );
    });

    void test('many lines arrive whole, in order, in batches', async () => {
      const lines = 20_000;
      const { final, logs, logBatches } = await run(
        makeAttempt(join(root, 'storage'), {
          // A shell loop, not `seq`: the test image holds only a shell and a few tools.
          command: ['sh', '-c', `i=1; while [ $i -le ${lines} ]; do echo $i; i=$((i+1)); done`],
        }),
      );
      assert.equal(final.status, 'COMPLETED');
      const printed = textsOf(logs, 'STDOUT');
      assert.equal(printed.length, lines);
      assert.ok(
        printed.every((text, i) => text === String(i + 1)),
        'every line as printed',
      );
      assert.deepEqual(
        logs.map((l) => l.seq),
        logs.map((_, i) => i),
      );
      // A report per line would be 20,000 of them; batches are a few dozen at most.
      assert.ok(logBatches <= lines / 100, `${logBatches} log reports for ${lines} lines`);
    });

    void test(
      'environment and files are visible to the command, without a shell',
      skips.filesAtTheirPath === undefined ? {} : { skip: skips.filesAtTheirPath },
      async () => {
        const filePath = join(
          tmpdir(),
          `osmo-contract-file-${randomBytes(4).toString('hex')}`,
          'greeting.txt',
        );
        try {
          const { final, logs } = await run(
            makeAttempt(join(root, 'storage'), {
              command: ['sh', '-c', 'echo "$GREETING"; cat "$1"; cat "$2"', 'script'],
              args: [filePath, `${filePath}.bin`, '$HOME'],
              environment: { GREETING: 'hello from env' },
              files: [
                { path: filePath, contents: 'hello from file\n', base64: false },
                {
                  path: `${filePath}.bin`,
                  contents: Buffer.from('binary ok\n').toString('base64'),
                  base64: true,
                },
              ],
            }),
          );
          assert.equal(final.status, 'COMPLETED', JSON.stringify(logs));
          assert.deepEqual(textsOf(logs, 'STDOUT'), ['hello from env', 'hello from file', 'binary ok']);
        } finally {
          await rm(join(filePath, '..'), { recursive: true, force: true });
        }
      },
    );

    void test('`$(NAME)` in command and args expands from the environment, `$$` escapes it', async () => {
      const { final, logs } = await run(
        makeAttempt(join(root, 'storage'), {
          command: ['printf', '$(FORMAT)'],
          args: ['$(GREETING)', '$$(GREETING)', '$(UNDEFINED)', '[$(CUDA_VISIBLE_DEVICES)]', 'cost: 5$'],
          environment: { GREETING: 'hello from env', FORMAT: '%s\\n' },
        }),
      );
      assert.equal(final.status, 'COMPLETED', JSON.stringify(logs));
      // One argument each, unsplit; the runtime's own variables (the GPU selection) expand too.
      assert.deepEqual(textsOf(logs, 'STDOUT'), [
        'hello from env',
        '$(GREETING)',
        '$(UNDEFINED)',
        '[]',
        'cost: 5$',
      ]);
    });

    void test('the output directory is stored, even on failure, and a downstream task input sees it', async () => {
      const storageRoot = join(root, 'storage');
      const upstream = makeAttempt(storageRoot, { taskName: 'producer' });
      const out = (await paths(upstream)).output;
      const produced = await run({
        ...upstream,
        command: [
          'sh',
          '-c',
          `echo payload > "${out}/result.txt"; mkdir "${out}/sub"; echo x > "${out}/sub/skip.log"; exit 4`,
        ],
      });
      assert.equal(produced.final.exitCode, 4);
      const stored = await new LocalStorage(storageRoot).list(`${upstream.outputPrefix}/`);
      assert.deepEqual(
        stored.map((o) => o.key),
        [`${upstream.outputPrefix}/result.txt`, `${upstream.outputPrefix}/sub/skip.log`],
      );
      const downstream = makeAttempt(storageRoot, {
        workflowId: upstream.workflowId,
        taskName: 'consumer',
        inputs: [{ kind: 'task', storagePrefix: upstream.outputPrefix, regex: '\\.txt$' }],
      });
      const input = (await paths(downstream)).input(0);
      const consumed = await run({
        ...downstream,
        command: ['sh', '-c', `cat "${input}/result.txt"; ls "${input}"`],
      });
      // The attempt's own words say why, should this ever fail under load.
      const why = JSON.stringify({
        final: consumed.final,
        logs: consumed.logs.map((l) => `${l.ioType} ${l.text}`),
      });
      assert.equal(consumed.final.status, 'COMPLETED', why);
      assert.deepEqual(textsOf(consumed.logs, 'STDOUT'), ['payload', 'result.txt']);
      assert.ok(textsOf(consumed.logs, 'DOWNLOAD').some((t) => t.startsWith('Downloaded')));
    });

    void test('a checkpoint is pushed while the command runs and once more after it ends', async () => {
      const launch = makeAttempt(join(root, 'storage'));
      const out = (await paths(launch)).output;
      const target = join(root, `checkpoint-${launch.workflowId}`);
      const attempt: AttemptLaunch = {
        ...launch,
        command: [
          'sh',
          '-c',
          `echo started; mkdir -p "${out}/ck"; echo early > "${out}/ck/a"; sleep 4; echo late > "${out}/ck/b"`,
        ],
        checkpoints: [{ path: `${out}/ck`, url: `file://${target}`, frequencySeconds: 1, regex: null }],
      };
      const { outcome, running } = collectAttempt(backend, attempt, timeoutMs);
      await backend.launch(attempt);
      await running;
      let midRun: string[] = [];
      for (let i = 0; i < 40 && midRun.length === 0; i++) {
        await new Promise((r) => setTimeout(r, 100));
        midRun = await readdir(target).catch(() => []);
      }
      const { final } = await outcome;
      assert.equal(final.status, 'COMPLETED');
      assert.deepEqual(midRun, ['a'], 'pushed while the command still slept');
      assert.deepEqual((await readdir(target)).sort(), ['a', 'b']);
      assert.equal(await readFile(join(target, 'b'), 'utf8'), 'late\n');
    });

    void test('stop ends a running attempt promptly with the requested status and kills its processes', async () => {
      const marker = `600.${randomBytes(3).readUIntBE(0, 3)}`;
      const launch = makeAttempt(join(root, 'storage'), {
        command: ['sh', '-c', `sleep ${marker} & echo started; sleep ${marker}; wait`],
      });
      const { outcome, running } = collectAttempt(backend, launch, timeoutMs);
      await backend.launch(launch);
      await running;
      const stoppedAt = Date.now();
      await backend.stop(launch, 'FAILED_CANCELED', 'Task was canceled by user: contract.');
      const { final } = await outcome;
      assert.equal(final.status, 'FAILED_CANCELED');
      assert.equal(final.message, 'Task was canceled by user: contract.');
      assert.ok(Date.now() - stoppedAt < 10_000);
      assert.deepEqual(await processesWith(marker), []);
    });

    void test('a command that does not exist ends FAILED_START_ERROR with exit 3003', async () => {
      const { final } = await run(
        makeAttempt(join(root, 'storage'), { command: ['/nonexistent/osmo-command'] }),
      );
      assert.equal(final.status, 'FAILED_START_ERROR');
      assert.equal(final.exitCode, 3003);
    });

    void test('secret values are masked in every log line', async () => {
      const secret = 'hunter2-very-secret';
      const { logs } = await run(
        makeAttempt(join(root, 'storage'), {
          command: ['sh', '-c', 'echo "token=$TOKEN"; echo "$TOKEN" >&2'],
          environment: { TOKEN: secret },
          secrets: [secret],
        }),
      );
      assert.deepEqual(textsOf(logs, 'STDOUT'), ['token=[MASKED]']);
      assert.deepEqual(textsOf(logs, 'STDERR'), ['[MASKED]']);
      assert.ok(logs.every((l) => !l.text.includes(secret)));
    });

    void test('recover() hands back an attempt it never started, reports nothing for it, and it launches after', async () => {
      const launch = makeAttempt(join(root, 'storage'), { command: ['sh', '-c', 'echo once'] });
      const seen: string[] = [];
      const stopObserving = backend.observe((r) => {
        if (sameAttempt(r.ref, launch))
          seen.push(...(r.kind === 'log' ? r.records.map((l) => l.text) : [r.status]));
      });
      const unstarted = await backend.recover([launch]);
      // A report made up for the attempt would arrive within a few polls.
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      stopObserving();
      assert.deepEqual(
        unstarted.map((r) => r.taskName),
        [launch.taskName],
      );
      assert.deepEqual(seen, []);
      const { final, logs } = await run(launch);
      assert.equal(final.status, 'COMPLETED', JSON.stringify(logs));
      assert.deepEqual(textsOf(logs, 'STDOUT'), ['once']);
    });

    void test('recover() never hands back an attempt that ran: its recorded end is replayed', async () => {
      const launch = makeAttempt(join(root, 'storage'), { command: ['sh', '-c', 'exit 5'] });
      assert.equal((await run(launch)).final.exitCode, 5);
      const { outcome } = collectAttempt(backend, launch, timeoutMs);
      const unstarted = await backend.recover([launch]);
      assert.deepEqual(unstarted, []);
      const { final } = await outcome;
      assert.equal(final.status, 'FAILED');
      assert.equal(final.exitCode, 5);
    });
  });
}
