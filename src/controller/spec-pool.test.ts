// The spec pool on real worker threads: the same results and errors as on the calling thread, and limits
// that refuse clearly when a spec is too heavy or the queue is full.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, test } from 'node:test';
import { pino } from 'pino';
import { OsmoError } from '../core/index.js';
import { dryRunWorkflowSpec, parseWorkflowSpec } from '../spec/index.js';
import { SpecPool } from './spec-pool.js';

const log = pino({ level: 'silent' });
const EXAMPLES = fileURLToPath(new URL('../../../test/fixtures/examples', import.meta.url));
const filesUnder = (dir: string): string[] =>
  readdirSync(dir)
    .sort()
    .flatMap((f) => (statSync(join(dir, f)).isDirectory() ? filesUnder(join(dir, f)) : [join(dir, f)]));
const values = { set: [], setString: ['storage_url=s3://bucket/prefix'], envVars: [] };
const pools: SpecPool[] = [];
const pool = (options: ConstructorParameters<typeof SpecPool>[1] = {}): SpecPool => {
  const made = new SpecPool(log, options);
  pools.push(made);
  return made;
};
after(async () => {
  for (const p of pools) await p.close();
});

const chain = (tasks: number): string => {
  const lines = ['workflow:', '  name: chain', '  tasks:'];
  for (let i = 0; i < tasks; i++) {
    const input = i === 0 ? '' : `, inputs: [{task: t${i - 1}}]`;
    lines.push(`  - {name: t${i}, image: bash, command: [x]${input}}`);
  }
  return `${lines.join('\n')}\n`;
};

/** What the calling thread makes of a job: its value as stored (JSON), or its error's visible fields. */
function direct(run: () => unknown): unknown {
  try {
    return { value: JSON.parse(JSON.stringify(run())) as unknown };
  } catch (err) {
    return errorFields(err);
  }
}
async function pooled(run: () => Promise<unknown>): Promise<unknown> {
  try {
    return { value: JSON.parse(JSON.stringify(await run())) as unknown };
  } catch (err) {
    return errorFields(err);
  }
}
const errorFields = (err: unknown) =>
  err instanceof OsmoError
    ? { osmo: true, code: err.code, message: err.message, status: err.httpStatus, id: err.workflowId }
    : { osmo: false, message: (err as Error).message };

const task = 'workflow:\n  name: w\n  tasks:\n  - name: a\n    image: ubuntu\n    command: [echo]\n';
const badSpecs: ReadonlyArray<[string, string, readonly string[]]> = [
  ['YAML with a line', 'workflow:\n  name: x\n  tasks:\n    - name: a\n      command: [unclosed\n', []],
  ['schema field', `${task}    colour: blue\n`, []],
  ['quantity (RESOURCE)', `${task}  resources:\n    default:\n      memory: lots\n`, []],
  ['Jinja', 'workflow:\n  name: "{{ oops"\n', []],
  ['malformed --set (SUBMISSION)', task, ['novalue']],
  ['duplicate names', `${task}  - name: a\n    image: ubuntu\n    command: [echo]\n`, []],
  ['too many tasks', chain(21), []],
];

test('the pool returns what the calling thread returns, for every reference example', async () => {
  const specs = pool({ workers: 2 });
  const files = filesUnder(EXAMPLES);
  assert.ok(files.length >= 28, `found ${files.length}`);
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    assert.deepEqual(
      await pooled(() => specs.dryRun(text, values)),
      direct(() => dryRunWorkflowSpec(text, values)),
      file,
    );
  }
});

test('errors keep their code, message (line, field) and HTTP status', async () => {
  const specs = pool({ workers: 1 });
  for (const [name, text, set] of badSpecs) {
    const options = { ...values, set };
    const expected = direct(() => parseWorkflowSpec(text, options));
    assert.equal((expected as { osmo?: boolean }).osmo, true, name);
    assert.deepEqual(await pooled(() => specs.parse(text, options)), expected, name);
  }
  assert.deepEqual(await pooled(() => specs.checkApp('  \n')), {
    osmo: true,
    code: 'USAGE',
    message: 'App is empty',
    status: 400,
    id: null,
  });
});

test('a job over the time limit is refused with that limit, and the pool goes on', async () => {
  const specs = pool({ workers: 1, jobTimeLimitMs: 300 });
  await assert.rejects(specs.parse(chain(14_000), values), (e: unknown) => {
    assert.ok(e instanceof OsmoError);
    assert.equal(e.httpStatus, 400);
    assert.equal(
      e.message,
      'The workflow spec took longer than 0.3 seconds to check; it is too large or too complex.',
    );
    return true;
  });
  // The replacement worker loads the spec modules as it starts; then a small job is quick again.
  await sleep(2000);
  assert.equal((await specs.parse(task, values)).name, 'w');
});

test('a full queue answers 429 at once and names the backlog', async () => {
  const specs = pool({ workers: 1, maxQueuedJobs: 1 });
  const heavy = chain(14_000);
  const running = specs.parse(heavy, values);
  const queued = specs.parse(heavy, values);
  await assert.rejects(specs.parse(task, values), (e: unknown) => {
    assert.ok(e instanceof OsmoError);
    assert.equal(e.httpStatus, 429);
    assert.equal(
      e.message,
      'The service is busy checking 1 other workflow specs; try again in a few seconds.',
    );
    return true;
  });
  for (const job of [running, queued]) {
    await assert.rejects(job, /Workflow cannot have more than 20 tasks\./);
  }
});

test('a job that needs more memory than a worker has is refused, and the pool goes on', async () => {
  const specs = pool({ workers: 1, workerHeapMb: 48 });
  await assert.rejects(specs.parse(chain(14_000), { ...values, maxTasks: 100_000 }), (e: unknown) => {
    assert.ok(e instanceof OsmoError);
    assert.equal(e.httpStatus, 400);
    assert.match(e.message, /^The workflow spec needs more than 48 MiB of memory to check/);
    return true;
  });
  assert.equal((await specs.parse(task, values)).name, 'w');
});
