// Users, role assignments and access tokens (stored as hashes) on every dialect.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withTestStores } from './testing.js';

const day = (d: number): Date => new Date(Date.UTC(2025, 6, d));

withTestStores((store) => {
  void test('upsert creates a user once and keeps the first creation facts', async () => {
    const first = await store().users.upsert('alice@x', 'idp', day(1));
    const again = await store().users.upsert('alice@x', 'someone-else', day(2));
    assert.deepEqual(again, first);
    assert.deepEqual(first, { id: 'alice@x', createdAt: day(1), createdBy: 'idp' });
    await store().users.upsert('bob@x', null, day(3));
    assert.deepEqual(
      (await store().users.list()).map((u) => u.id),
      ['alice@x', 'bob@x'],
    );
    assert.equal(await store().users.get('nobody'), null);
  });

  void test('roles can be added, replaced and removed', async () => {
    await store().users.upsert('carol@x', null);
    await store().users.addRoles('carol@x', ['osmo-user', 'osmo-user'], 'admin', day(1));
    await store().users.setRoles('carol@x', ['osmo-user', 'osmo-admin'], 'root', day(2));
    const roles = await store().users.getRoles('carol@x');
    // osmo-user keeps its original assignment; osmo-admin is new.
    assert.deepEqual(roles, [
      { roleName: 'osmo-admin', assignedBy: 'root', assignedAt: day(2) },
      { roleName: 'osmo-user', assignedBy: 'admin', assignedAt: day(1) },
    ]);
    await store().users.removeRoles('carol@x', ['osmo-admin']);
    await store().users.setRoles('carol@x', [], 'root');
    assert.deepEqual(await store().users.getRoles('carol@x'), []);
  });

  void test('tokens are found by hash, listed per user and deleted by name or hash', async () => {
    await store().users.upsert('dave@x', null);
    const pat = await store().tokens.create({
      userName: 'dave@x',
      tokenName: 'ci',
      tokenHash: 'a1'.repeat(32),
      expiresAt: day(30),
      description: 'for CI',
      kind: 'personal',
      createdAt: day(1),
    });
    await store().tokens.create({
      userName: 'dave@x',
      tokenName: 'session-1',
      tokenHash: 'b2'.repeat(32),
      expiresAt: null,
      kind: 'session',
    });
    const found = await store().tokens.findByHash('a1'.repeat(32));
    assert.deepEqual(found, pat);
    assert.equal(found?.userName, 'dave@x');
    assert.deepEqual(found?.expiresAt, day(30));
    assert.equal(found?.kind, 'personal');
    assert.equal(await store().tokens.findByHash('c3'.repeat(32)), null);
    await assert.rejects(
      store().tokens.create({
        userName: 'dave@x',
        tokenName: 'dup',
        tokenHash: 'a1'.repeat(32),
        expiresAt: null,
        kind: 'personal',
      }),
    );
    assert.deepEqual(
      (await store().tokens.listByUser('dave@x')).map((t) => t.tokenName),
      ['ci', 'session-1'],
    );
    assert.deepEqual(
      (await store().tokens.listByUser('dave@x', 'session')).map((t) => t.tokenName),
      ['session-1'],
    );
    await store().tokens.touch('a1'.repeat(32), day(5));
    assert.deepEqual((await store().tokens.findByHash('a1'.repeat(32)))?.lastSeenAt, day(5));
    assert.equal(await store().tokens.deleteByHash('b2'.repeat(32)), true);
    assert.equal(await store().tokens.deleteByHash('b2'.repeat(32)), false);
    assert.equal(await store().tokens.deleteByName('dave@x', 'ci'), true);
    assert.deepEqual(await store().tokens.listByUser('dave@x'), []);
  });

  void test("a grant lives only with its user; a personal token's roles are cut down to the user's", async () => {
    await store().users.upsert('erin@x', null);
    await store().users.addRoles('erin@x', ['osmo-user', 'osmo-admin'], 'root', day(1));
    await store().tokens.create({
      userName: 'erin@x',
      tokenName: 'ci',
      tokenHash: 'd4'.repeat(32),
      expiresAt: null,
      kind: 'personal',
    });
    await store().accounts.setTokenRoles('erin@x', 'ci', ['osmo-admin', 'osmo-ctrl'], 'root', day(1));
    assert.equal((await store().tokens.findGrant('erin@x', 'ci'))?.kind, 'personal');
    assert.equal(await store().tokens.findGrant('erin@x', 'other'), null);
    assert.deepEqual(await store().accounts.effectiveRoles('erin@x', null), ['osmo-admin', 'osmo-user']);
    assert.deepEqual(await store().accounts.effectiveRoles('erin@x', 'ci'), ['osmo-admin']);
    await store().users.removeRoles('erin@x', ['osmo-admin']);
    assert.deepEqual(await store().accounts.effectiveRoles('erin@x', 'ci'), []);
    await store().accounts.deleteUser('erin@x');
    assert.equal(await store().tokens.findGrant('erin@x', 'ci'), null);
    assert.deepEqual(await store().accounts.effectiveRoles('erin@x', null), []);
  });
});
