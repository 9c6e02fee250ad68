// Every GET /api/workflow filter, the ordering and the pagination, on every dialect.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { OsmoError } from '../core/index.js';
import type { Store, WorkflowListFilters } from './index.js';
import { newTestWorkflow, withTestStores } from './testing.js';

const at = (minute: number): Date => new Date(Date.UTC(2025, 4, 1, 12, minute, 0));

async function seed(store: Store): Promise<void> {
  await store.db
    .insertInto('apps')
    .values({
      uuid: 'a'.repeat(32),
      name: 'app1',
      owner: 'alice',
      created_date: at(0).toISOString(),
      description: '',
    })
    .execute();
  const create = (name: string, minute: number, extra: Parameters<typeof newTestWorkflow>[0]) =>
    store.workflows.create(newTestWorkflow({ workflowName: name, submitTime: at(minute), ...extra }));
  await create('train-a', 0, {
    submittedBy: 'alice@x',
    pool: 'p1',
    labels: { team: 'ml', env: 'prod-us' },
    tags: ['nightly'],
    priority: 'HIGH',
  });
  await create('eval-b', 1, {
    submittedBy: 'bob@x',
    pool: 'p2',
    labels: { team: 'Ml' },
    priority: 'LOW',
    appUuid: 'a'.repeat(32),
    appVersion: 1,
  });
  const w3 = await create('train-c', 2, { submittedBy: 'alice@x', pool: 'p2' });
  await store.workflows.setStatus(w3.workflowUuid, 'RUNNING', ['PENDING'], { at: at(3) });
  await store.workflows.createFailedSubmission({
    workflowName: 'train-a',
    submittedBy: 'alice@x',
    submitTime: at(3),
    pool: 'p1',
    failureMessage: 'bad spec',
  });
  await create('data_x%', 4, {
    submittedBy: 'carol@x',
    pool: 'p1',
    labels: { env: 'prod-eu' },
    tags: ['gpu'],
    appUuid: 'a'.repeat(32),
    appVersion: 2,
  });
}

withTestStores((store) => {
  before(() => seed(store()));
  const ids = async (filters: WorkflowListFilters): Promise<string[]> =>
    (await store().workflows.list(filters)).rows.map((w) => w.workflowId);

  const cases: ReadonlyArray<[string, WorkflowListFilters, string[]]> = [
    ['no filter hides FAILED_SUBMISSION', {}, ['train-a-1', 'eval-b-1', 'train-c-1', 'data_x%-1']],
    ['statuses may ask for FAILED_SUBMISSION', { statuses: ['FAILED_SUBMISSION'] }, ['train-a-2']],
    ['statuses', { statuses: ['RUNNING', 'FAILED_SUBMISSION'] }, ['train-c-1', 'train-a-2']],
    ['users', { users: ['alice@x'] }, ['train-a-1', 'train-c-1']],
    ['pools', { pools: ['p2'] }, ['eval-b-1', 'train-c-1']],
    ['name substring', { name: 'train' }, ['train-a-1', 'train-c-1']],
    ['name is case-sensitive', { name: 'TRAIN' }, []],
    ['name treats % and _ literally', { name: '_x%' }, ['data_x%-1']],
    ['name wildcards are literal', { name: 'a%-1' }, []],
    ['submitted after (inclusive)', { submittedAfter: at(2) }, ['train-c-1', 'data_x%-1']],
    ['submitted before (exclusive)', { submittedBefore: at(1) }, ['train-a-1']],
    ['tags, any of', { tags: ['gpu', 'nightly', 'none'] }, ['train-a-1', 'data_x%-1']],
    ['app by name', { app: 'app1' }, ['eval-b-1', 'data_x%-1']],
    ['app by name:version', { app: 'app1:2' }, ['data_x%-1']],
    ['unknown app', { app: 'nope' }, []],
    ['priority', { priorities: ['HIGH', 'LOW'] }, ['train-a-1', 'eval-b-1']],
    ['label value is case-sensitive', { labels: ['team=ml'] }, ['train-a-1']],
    ['label presence', { labels: ['team=*'] }, ['train-a-1', 'eval-b-1']],
    ['label wildcard', { labels: ['env=prod-*'] }, ['train-a-1', 'data_x%-1']],
    ['label alternatives', { labels: ['env=prod-(us|asia)'] }, ['train-a-1']],
    ['label alternatives with wildcard', { labels: ['team=(m*|M*)'] }, ['train-a-1', 'eval-b-1']],
    ['label selectors are ANDed', { labels: ['team=*', 'env=*'] }, ['train-a-1']],
    ['no_label', { noLabels: ['team'] }, ['train-c-1', 'data_x%-1']],
    ['filters combine', { users: ['alice@x'], pools: ['p1'], statuses: ['PENDING'] }, ['train-a-1']],
  ];
  for (const [name, filters, want] of cases) {
    void test(`list filter: ${name}`, async () => assert.deepEqual(await ids(filters), want));
  }

  void test('ASC returns the oldest rows first, DESC the newest first, with more_entries', async () => {
    const asc = await store().workflows.list({ limit: 2, order: 'ASC' });
    assert.deepEqual(
      asc.rows.map((w) => w.workflowId),
      ['train-a-1', 'eval-b-1'],
    );
    assert.equal(asc.moreEntries, true);
    const desc = await store().workflows.list({ limit: 2, order: 'DESC' });
    assert.deepEqual(
      desc.rows.map((w) => w.workflowId),
      ['data_x%-1', 'train-c-1'],
    );
    assert.deepEqual(await ids({ limit: 2, offset: 1 }), ['eval-b-1', 'train-c-1']);
    const last = await store().workflows.list({ limit: 2, offset: 3 });
    assert.deepEqual(
      last.rows.map((w) => w.workflowId),
      ['data_x%-1'],
    );
    assert.equal(last.moreEntries, false);
    const exact = await store().workflows.list({ limit: 4 });
    assert.equal(exact.moreEntries, false);
  });

  void test('summaries are the same page as the list, in the same order, without the spec texts', async () => {
    const pages: WorkflowListFilters[] = [
      { limit: 2, order: 'DESC' },
      { limit: 2, offset: 1, order: 'ASC' },
      { users: ['alice@x'], statuses: [], order: 'DESC' },
    ];
    for (const filters of pages) {
      const full = await store().workflows.list(filters);
      const summaries = await store().workflows.listSummaries(filters);
      const withoutSpec = full.rows.map((w) => {
        const { specText, templateSpecText, specJson, ...summary } = w;
        void [specText, templateSpecText, specJson];
        return summary;
      });
      assert.deepEqual(summaries, { rows: withoutSpec, moreEntries: full.moreEntries });
      assert.ok(summaries.rows.every((w) => !('specText' in w) && !('specJson' in w)));
    }
  });

  void test('bad paging and bad selectors are usage errors', async () => {
    const usage = (err: unknown) => err instanceof OsmoError && err.code === 'USAGE';
    await assert.rejects(store().workflows.list({ limit: 1001 }), usage);
    await assert.rejects(store().workflows.list({ offset: -1 }), usage);
    await assert.rejects(store().workflows.list({ labels: ['novalue'] }), usage);
    await assert.rejects(store().workflows.list({ labels: ['k=(a|b'] }), usage);
    await assert.rejects(store().workflows.list({ app: 'app1:x' }), usage);
  });
});
