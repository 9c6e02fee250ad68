import assert from 'node:assert/strict';
import { test } from 'node:test';
import { newTestWorkflow, withTestStores } from './testing.js';

const at = new Date('2026-05-01T10:00:00.000Z');
const later = (minutes: number): Date => new Date(at.getTime() + minutes * 60_000);

withTestStores((store) => {
  test('create makes version 1; a taken name answers null', async () => {
    const made = await store().apps.create({
      name: 'train',
      owner: 'alice',
      description: 'd',
      specText: 'workflow: {}',
      at,
    });
    assert.ok(made);
    assert.equal(made.version.version, 1);
    assert.equal(made.version.status, 'READY');
    const again = await store().apps.create({
      name: 'train',
      owner: 'bob',
      description: 'x',
      specText: 'x',
      at,
    });
    assert.equal(again, null);
  });

  test('versions count up, never reuse a number, and deleting drops the text', async () => {
    const app = await store().apps.getByName('train');
    assert.ok(app);
    const v2 = await store().apps.addVersion(app.uuid, 'bob', 'two', later(1));
    assert.equal(v2.version, 2);
    assert.equal((await store().apps.getVersion(app.uuid, undefined))?.specText, 'two');
    assert.deepEqual(await store().apps.deleteVersions(app.uuid, [2]), [2]);
    assert.deepEqual(await store().apps.deleteVersions(app.uuid, [2]), []);
    assert.equal((await store().apps.getVersion(app.uuid, undefined))?.version, 1);
    assert.equal((await store().apps.getVersion(app.uuid, 2))?.status, 'DELETED');
    assert.equal((await store().apps.addVersion(app.uuid, 'alice', 'three', later(2))).version, 3);
    const asc = await store().apps.listVersions(app.uuid, { limit: 2, order: 'ASC' });
    assert.deepEqual(
      asc.map((v) => [v.version, v.status]),
      [
        [2, 'DELETED'],
        [3, 'READY'],
      ],
    );
  });

  test('list: newest first, READY only, scopes by owner, name and involvement', async () => {
    const other = await store().apps.create({
      name: 'other-app',
      owner: 'carol',
      description: '',
      specText: 's',
      at: later(5),
    });
    assert.ok(other);
    const all = await store().apps.list({ offset: 0, limit: 1 });
    assert.deepEqual(
      all.rows.map((a) => a.name),
      ['other-app'],
    );
    assert.equal(all.moreEntries, true);
    const train = (await store().apps.list({ offset: 1, limit: 5 })).rows[0];
    assert.equal(train?.latestVersion, 3);
    assert.deepEqual(
      (await store().apps.list({ owners: ['carol'], offset: 0, limit: 5 })).rows.map((a) => a.name),
      ['other-app'],
    );
    assert.deepEqual(
      (await store().apps.list({ name: 'rain', offset: 0, limit: 5 })).rows.map((a) => a.name),
      ['train'],
    );
    // bob created version 2 of train; dave only submitted a workflow from other-app.
    assert.deepEqual(
      (await store().apps.list({ involving: 'bob', offset: 0, limit: 5 })).rows.map((a) => a.name),
      ['train'],
    );
    await store().workflows.create(
      newTestWorkflow({ submittedBy: 'dave', appUuid: other.app.uuid, appVersion: 1 }),
    );
    assert.deepEqual(
      (await store().apps.list({ involving: 'dave', offset: 0, limit: 5 })).rows.map((a) => a.name),
      ['other-app'],
    );
    await store().apps.deleteVersions(other.app.uuid, 'all');
    assert.deepEqual(
      (await store().apps.list({ offset: 0, limit: 5 })).rows.map((a) => a.name),
      ['train'],
    );
  });

  test('rename refuses a taken name', async () => {
    const app = await store().apps.getByName('train');
    assert.ok(app);
    assert.equal(await store().apps.rename(app.uuid, 'other-app'), false);
    assert.equal(await store().apps.rename(app.uuid, 'trainer'), true);
    assert.equal((await store().apps.getByUuids([app.uuid]))[0]?.name, 'trainer');
  });
});
