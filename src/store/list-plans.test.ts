// Every list the CLI and UI page through is read through an index on both databases: the test captures the
// SQL the repositories really send and fails when its plan scans a whole table or sorts the matching rows.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { CompiledQuery } from 'kysely';
import type { Kysely, KyselyPlugin, PluginTransformQueryArgs, QueryId, RootOperationNode } from 'kysely';
import { storeDialectFor } from './dialect/index.js';
import type { Store } from './repositories.js';
import type { Database } from './schema.js';
import { storeOver } from './store.js';
import { newTestWorkflow, withTestStores } from './testing.js';

/** Remembers each query a handle sends, to be explained afterwards with the same parameters. */
class CapturePlugin implements KyselyPlugin {
  readonly queries: Array<{ node: RootOperationNode; queryId: QueryId }> = [];
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    this.queries.push({ node: args.node, queryId: args.queryId });
    return args.node;
  }
  transformResult<T>(args: { result: T }): Promise<T> {
    return Promise.resolve(args.result);
  }
}

interface ListCase {
  readonly name: string;
  readonly run: (store: Store) => Promise<unknown>;
  /** Why this list may sort: its order is computed per row, so no index can hold it. */
  readonly sortAllowed?: string;
}

const USER = 'alice@x';
const NOW = new Date('2025-05-01T00:00:00.000Z');

const CASES: readonly ListCase[] = [
  {
    name: 'workflow list as the CLI sends it (own, newest first)',
    run: (s) => s.workflows.list({ users: [USER], order: 'DESC', limit: 20, offset: 0 }),
  },
  {
    name: 'workflow summaries as the route reads them',
    run: (s) => s.workflows.listSummaries({ users: [USER], order: 'DESC', limit: 20, offset: 0 }),
  },
  { name: 'workflow list, oldest first', run: (s) => s.workflows.list({ users: [USER], order: 'ASC' }) },
  {
    name: 'workflow list by status',
    run: (s) => s.workflows.list({ users: [USER], statuses: ['RUNNING', 'PENDING'], order: 'DESC' }),
  },
  {
    name: 'workflow list by pool',
    run: (s) => s.workflows.list({ users: [USER], pools: ['p1'], order: 'DESC' }),
  },
  {
    name: 'workflow list by name',
    run: (s) => s.workflows.list({ users: [USER], name: 'train', order: 'DESC' }),
  },
  {
    name: 'workflow list submitted after a time',
    run: (s) => s.workflows.list({ users: [USER], submittedAfter: NOW, order: 'DESC' }),
  },
  { name: 'workflow list of all users', run: (s) => s.workflows.list({ order: 'DESC' }) },
  {
    name: 'workflow list of all users by status',
    run: (s) => s.workflows.list({ statuses: ['RUNNING'], order: 'DESC' }),
  },
  {
    name: 'workflow list of all users in one pool',
    run: (s) => s.workflows.list({ pools: ['p1'], order: 'DESC' }),
  },
  {
    name: 'task list as the CLI sends it (own, active)',
    run: (s) =>
      s.tasks.listForApi({
        users: [USER],
        statuses: ['PROCESSING', 'SCHEDULING', 'INITIALIZING', 'RUNNING'],
        order: 'ASC',
        limit: 20,
        offset: 0,
      }),
    sortAllowed: 'launched attempts first, then not-started ones last: both computed per row',
  },
  { name: "a workflow's tasks", run: (s) => s.tasks.listByWorkflow('0'.repeat(32)) },
  { name: "a workflow's groups", run: (s) => s.groups.listByWorkflow('0'.repeat(32)) },
  { name: "a workflow's events", run: (s) => s.events.list('0'.repeat(32)) },
  { name: "a task's events", run: (s) => s.events.list('0'.repeat(32), { taskName: 't', retryId: 0 }) },
  { name: "a workflow's tags", run: (s) => s.tags.list('0'.repeat(32)) },
  { name: "a user's access tokens", run: (s) => s.tokens.listByUser(USER, 'personal') },
  { name: "a user's credentials", run: (s) => s.credentials.list(USER) },
  { name: "a user's datasets", run: (s) => s.datasets.list({ users: [USER], order: 'DESC', limit: 20 }) },
  { name: 'datasets of all users', run: (s) => s.datasets.list({ order: 'DESC', limit: 20 }) },
  {
    name: "a dataset's versions",
    run: (s) => s.datasets.listVersions('d', { all: true, limit: 20, order: 'DESC' }),
  },
  { name: 'apps', run: (s) => s.apps.list({ offset: 0, limit: 20 }) },
  { name: "a user's apps", run: (s) => s.apps.list({ owners: [USER], offset: 0, limit: 20 }) },
  { name: 'users', run: (s) => s.accounts.searchUsers({ startIndex: 1, count: 20 }) },
  { name: 'configuration history', run: (s) => s.configHistory.list({}) },
  {
    name: 'usage of every user over a window',
    run: (s) => s.usage.summarize({ groupBy: 'user', since: NOW, until: NOW, now: NOW }),
    sortAllowed: 'rows are ordered by their sums, computed per query',
  },
  {
    name: "one user's usage per task over a window",
    run: (s) =>
      s.usage.summarize({ groupBy: 'task', since: NOW, until: NOW, now: NOW, users: [USER], pools: ['p1'] }),
    sortAllowed: 'rows are ordered by their sums, computed per query',
  },
  {
    name: "one workflow's usage",
    run: (s) =>
      s.usage.summarize({
        groupBy: 'workflow',
        since: NOW,
        until: NOW,
        now: NOW,
        workflowUuid: '0'.repeat(32),
      }),
    sortAllowed: 'rows are ordered by their sums, computed per query',
  },
];

/** What in the plan of one query reads every row of a table or sorts the rows it found. */
async function planProblems(
  db: Kysely<Database>,
  kind: Store['dialect'],
  query: CompiledQuery,
  sortAllowed: boolean,
): Promise<string[]> {
  if (kind === 'sqlite') {
    const plan = await db.executeQuery<{ detail: string }>(
      CompiledQuery.raw(`EXPLAIN QUERY PLAN ${query.sql}`, [...query.parameters]),
    );
    return plan.rows
      .map((r) => r.detail)
      .filter((d) => /^SCAN \S+$/.test(d) || (!sortAllowed && d.includes('TEMP B-TREE')));
  }
  const plan = await db.executeQuery<{ 'QUERY PLAN': string }>(
    CompiledQuery.raw(`EXPLAIN (COSTS OFF) ${query.sql}`, [...query.parameters]),
  );
  return plan.rows
    .map((r) => r['QUERY PLAN'].trim())
    .filter((line) => line.includes('Seq Scan') || (!sortAllowed && /\bSort\b/.test(line)));
}

withTestStores((getStore, kind, getTestStore) => {
  before(async () => {
    // One row each, so reads that stop on an empty result still send their every query.
    await getStore().workflows.create(newTestWorkflow({ submittedBy: USER, submitTime: NOW, pool: 'p1' }));
  });

  for (const c of CASES) {
    test(`${c.name} is read through an index`, async () => {
      const dialect = storeDialectFor(getTestStore().config);
      await getStore()
        .db.transaction()
        .execute(async (trx) => {
          if (kind === 'postgres') {
            // A small table is cheapest to read whole; with scans and sorts priced out, the plan shows
            // whether an index can serve the query at all, as it must at 100,000 rows.
            await trx.executeQuery(CompiledQuery.raw('SET LOCAL enable_seqscan = off'));
            await trx.executeQuery(CompiledQuery.raw('SET LOCAL enable_sort = off'));
          }
          const capture = new CapturePlugin();
          const db = trx.withPlugin(capture);
          await c.run(storeOver(db, dialect));
          assert.ok(capture.queries.length > 0, 'the list sent no query');
          for (const { node, queryId } of capture.queries) {
            const compiled = trx.getExecutor().compileQuery(node, queryId);
            const problems = await planProblems(trx, kind, compiled, c.sortAllowed !== undefined);
            assert.deepEqual(problems, [], `${compiled.sql}\nplan: ${problems.join('; ')}`);
          }
        });
    });
  }
});
