// GET /api/workflow is written by a serialiser compiled from its schema: the answer must still carry every
// field workflowListEntry makes, in its order, with nulls kept null and labels kept whole.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { workflowListEntry } from '../../src/api/contract/workflow-json.js';
import { openStore } from '../../src/store/index.js';
import type { App, Workflow } from '../../src/store/index.js';
import { newTestWorkflow } from '../../src/store/testing.js';
import type { ServiceProcess } from './harness.js';
import { apiCall, removeDir, startServiceProcess, tempDir } from './harness.js';

const USER = 'lister';
const at = (minute: number): Date => new Date(Date.UTC(2025, 4, 1, 12, minute, 0));

let service: ServiceProcess;
let dataDir: string;
const stored: Workflow[] = [];
let app: App;

before(async () => {
  dataDir = await tempDir('list-json');
  const store = await openStore({ kind: 'sqlite', file: join(dataDir, 'osmo.db') });
  try {
    const created = await store.apps.create({
      name: 'maker',
      owner: 'someone',
      description: '',
      specText: 'workflow:\n  name: maker\n',
      at: at(0),
    });
    assert.ok(created);
    app = created.app;
    // Ended ones only, so no field depends on when the service answers.
    const completed = await store.workflows.create(
      newTestWorkflow({ workflowName: 'done', submittedBy: USER, submitTime: at(1), labels: { team: 'ml' } }),
    );
    const failed = await store.workflows.create(
      newTestWorkflow({
        workflowName: 'broke',
        submittedBy: USER,
        submitTime: at(2),
        pool: 'p2',
        priority: 'HIGH',
        appUuid: app.uuid,
        appVersion: 1,
      }),
    );
    await store.workflows.setStatus(completed.workflowUuid, 'RUNNING', ['PENDING'], { at: at(3) });
    await store.workflows.setStatus(completed.workflowUuid, 'COMPLETED', ['RUNNING'], { at: at(5) });
    await store.workflows.setStatus(failed.workflowUuid, 'FAILED', ['PENDING'], { at: at(4) });
    for (const w of [failed, completed]) {
      const now = await store.workflows.get(w.workflowUuid);
      assert.ok(now);
      stored.push(now);
    }
  } finally {
    await store.close();
  }
  service = await startServiceProcess({ dataDir });
});

after(async () => {
  await service.stop();
  await removeDir(dataDir);
});

test('the list answers exactly what workflowListEntry makes, field for field and in order', async () => {
  const login = await apiCall(service.url, 'POST', '/api/auth/dev/login', null, { username: USER });
  const { token } = JSON.parse(login.text) as { token: string };
  const r = await apiCall(service.url, 'GET', '/api/workflow?order=DESC&all_pools=true&limit=20', token);
  assert.equal(r.status, 200, r.text);
  const links = { base: service.url, now: new Date() };
  const apps = new Map([[app.uuid, app]]);
  const expected = JSON.stringify({
    workflows: stored.map((w) => workflowListEntry(links, w, apps)),
    more_entries: false,
  });
  // Text, not parsed values: the order of fields and every null are part of the answer.
  assert.equal(r.text, expected);
  const [failed, completed] = (JSON.parse(r.text) as { workflows: Record<string, unknown>[] }).workflows;
  assert.equal(typeof failed?.error_logs, 'string');
  assert.equal(failed?.start_time, null);
  assert.equal(failed?.duration, null);
  assert.equal(failed?.app_name, 'maker');
  assert.equal(completed?.error_logs, null);
  assert.deepEqual(completed?.labels, { team: 'ml' });
});
