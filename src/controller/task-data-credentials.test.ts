// The DATA credentials a task's CLI gets: every one of its user's, decrypted, in config.yaml's terms,
// and the values to mask; on SQLite and PostgreSQL.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  createCredentialVault,
  masterKeyFrom,
  newMasterKeyBase64,
  normaliseCredential,
} from '../identity/index.js';
import { withTestStores } from '../store/testing.js';
import { taskDataCredentials } from './task-data-credentials.js';

withTestStores((getStore) => {
  test("a user's DATA credentials only, decrypted and keyed by endpoint; their long values masked", async () => {
    const vault = createCredentialVault(getStore(), masterKeyFrom(newMasterKeyBase64()), () => new Date());
    const data = (fields: Record<string, string>) => normaliseCredential({ data_credential: fields });
    await vault.set(
      'ann',
      'b-store',
      data({
        endpoint: 's3://results/',
        access_key_id: 'AKIAANN0001',
        access_key: 'ann-secret-value',
        region: 'eu-west-1',
        override_url: 'http://127.0.0.1:9000',
        addressing_style: 'path',
      }),
    );
    await vault.set(
      'ann',
      'a-store',
      data({ endpoint: 's3://raw', access_key_id: 'id', access_key: 'short' }),
    );
    await vault.set(
      'ann',
      'token',
      normaliseCredential({ generic_credential: { credential: { token: 'generic-secret' } } }),
    );
    await vault.set(
      'bob',
      'bobs',
      data({ endpoint: 's3://bob', access_key_id: 'BOBKEY0001', access_key: 'bob-secret' }),
    );

    const got = await taskDataCredentials(vault, 'ann');
    assert.deepEqual(got.credentials, [
      {
        endpoint: 's3://raw',
        accessKeyId: 'id',
        accessKey: 'short',
        region: null,
        overrideUrl: null,
        addressingStyle: null,
      },
      {
        endpoint: 's3://results',
        accessKeyId: 'AKIAANN0001',
        accessKey: 'ann-secret-value',
        region: 'eu-west-1',
        overrideUrl: 'http://127.0.0.1:9000',
        addressingStyle: 'path',
      },
    ]);
    assert.deepEqual(got.secrets, ['AKIAANN0001', 'ann-secret-value']);
    assert.deepEqual(await taskDataCredentials(vault, 'carol'), { credentials: [], secrets: [] });
    assert.deepEqual(await taskDataCredentials(undefined, 'ann'), { credentials: [], secrets: [] });
  });
});
