import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseQosMap, slurmConfigFromEnv } from './slurm-config.js';
import { parseServiceConfig, serviceConfigFromEnv } from './service-config.js';

test('OSMO_SLURM_* settings reach the slurm backend; a bad QOS map is refused by name', () => {
  assert.deepEqual(parseQosMap('HIGH=high, LOW=scavenger'), { HIGH: 'high', LOW: 'scavenger' });
  assert.throws(() => parseQosMap('URGENT=now'), /OSMO_SLURM_QOS: "URGENT=now"/);
  assert.deepEqual(
    slurmConfigFromEnv({
      OSMO_SLURM_PARTITION: 'gpu',
      OSMO_SLURM_SBATCH_ARGS: '--time=60  --constraint=a100',
      OSMO_SLURM_WORK_DIR: '/shared/osmo',
    }),
    { partition: 'gpu', sbatchArgs: ['--time=60', '--constraint=a100'], workDir: '/shared/osmo' },
  );
  const config = parseServiceConfig({
    dataDir: '/d',
    ...serviceConfigFromEnv({ OSMO_BACKEND: 'slurm', OSMO_SLURM_ACCOUNT: 'lab' }),
  });
  assert.equal(config.backend, 'slurm');
  assert.equal(config.slurm.account, 'lab');
  assert.equal(config.slurm.partition, null);
  assert.deepEqual(parseServiceConfig({ dataDir: '/d' }).slurm.qos, {});
});
