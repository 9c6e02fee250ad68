import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withTestStores } from './testing.js';

const at = new Date('2026-05-01T10:00:00.000Z');
const later = (minutes: number): Date => new Date(at.getTime() + minutes * 60_000);
const loc = (id: string) => (v: string) => `file:///data/${id}/manifests/${v}.json`;

withTestStores((store) => {
  test('datasets are unique per bucket; versions count up and `latest` follows READY', async () => {
    const ds = await store().datasets.create({
      name: 'imgs',
      bucket: 'main',
      createdBy: 'alice',
      at,
      isCollection: false,
      hashLocation: (id) => `file:///data/${id}/hashes`,
    });
    assert.ok(ds);
    assert.equal(ds.id.length, 22);
    assert.equal(ds.hashLocation, `file:///data/${ds.id}/hashes`);
    const again = await store().datasets.create({
      name: 'imgs',
      bucket: 'main',
      createdBy: 'bob',
      at,
      isCollection: false,
      hashLocation: () => null,
    });
    assert.equal(again, null);
    const v1 = await store().datasets.startVersion(ds.id, {
      createdBy: 'alice',
      at,
      metadata: { description: 'first' },
      location: loc(ds.id),
    });
    assert.equal(v1.versionId, '1');
    assert.equal(v1.status, 'PENDING');
    assert.equal(await store().datasets.findVersion(ds.id, 'latest'), null);
    assert.equal(
      await store().datasets.finishVersion(ds.id, '1', { sizeBytes: 10, checksum: 'c1', at }),
      true,
    );
    assert.equal(
      await store().datasets.finishVersion(ds.id, '1', { sizeBytes: 10, checksum: 'c1', at }),
      false,
    );
    const v2 = await store().datasets.startVersion(ds.id, {
      createdBy: 'alice',
      at: later(1),
      metadata: {},
      location: loc(ds.id),
    });
    assert.equal(v2.versionId, '2');
    await store().datasets.finishVersion(ds.id, '2', {
      sizeBytes: 12,
      checksum: 'c2',
      at: later(1),
      tag: 'gold',
    });
    const latest = await store().datasets.findVersion(ds.id, 'latest');
    assert.equal(latest?.versionId, '2');
    assert.deepEqual(latest?.tags, ['gold', 'latest']);
    assert.equal((await store().datasets.findVersion(ds.id, '1'))?.metadata['description'], 'first');
    const asc = await store().datasets.listVersions(ds.id, { all: false, limit: 10, order: 'ASC' });
    assert.deepEqual(
      asc.map((v) => [v.versionId, v.sizeBytes]),
      [
        ['1', 10],
        ['2', 12],
      ],
    );
  });

  test('deleting a version moves `latest` back; tags move between versions', async () => {
    const ds = await store().datasets.get('main', 'imgs');
    assert.ok(ds);
    await store().datasets.tagVersion(ds.id, '1', ['gold'], []);
    assert.deepEqual((await store().datasets.findVersion(ds.id, '2'))?.tags, ['latest']);
    await store().datasets.setVersionStatus(ds.id, ['2'], 'PENDING_DELETE');
    assert.equal((await store().datasets.findVersion(ds.id, 'latest'))?.versionId, '1');
    assert.equal((await store().datasets.findVersion(ds.id, '2', true))?.status, 'PENDING_DELETE');
    assert.equal(
      (await store().datasets.listVersions(ds.id, { all: true, limit: 10, order: 'DESC' })).length,
      2,
    );
  });

  test('collections pin member versions; rename, labels and list filters', async () => {
    const ds = await store().datasets.get('main', 'imgs');
    assert.ok(ds);
    const coll = await store().datasets.create({
      name: 'bundle',
      bucket: 'main',
      createdBy: 'bob',
      at: later(5),
      isCollection: true,
      hashLocation: () => null,
    });
    assert.ok(coll);
    await store().datasets.setMembers(coll.id, [{ datasetId: ds.id, versionId: '1' }]);
    assert.deepEqual(await store().datasets.members(coll.id), [{ datasetId: ds.id, versionId: '1' }]);
    assert.deepEqual([...(await store().datasets.collectionsOf(ds.id))], [['1', ['bundle']]]);
    assert.equal(await store().datasets.rename(coll.id, 'imgs'), false);
    assert.equal(await store().datasets.rename(coll.id, 'bundle2'), true);
    await store().datasets.setLabels(ds.id, { team: 'vision' });
    assert.deepEqual((await store().datasets.getById(ds.id))?.labels, { team: 'vision' });
    await store().datasets.addHashSize(ds.id, 7);
    await store().datasets.addHashSize(ds.id, 5);
    assert.equal((await store().datasets.getById(ds.id))?.hashLocationSizeBytes, 12);
    const mine = await store().datasets.list({ users: ['bob'], order: 'DESC', limit: 10 });
    assert.deepEqual(
      mine.map((d) => d.name),
      ['bundle2'],
    );
    const named = await store().datasets.list({ name: 'img', order: 'ASC', limit: 10 });
    assert.deepEqual(
      named.map((d) => d.name),
      ['imgs'],
    );
    await store().datasets.remove(coll.id);
    assert.equal(
      await store()
        .datasets.members(coll.id)
        .then((m) => m.length),
      0,
    );
  });
});
