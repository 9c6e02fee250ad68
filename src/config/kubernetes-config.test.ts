// The kubernetes block of a backend entry: defaults filled in, and each bad setting refused by its field.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfigDocument } from './pool-config.js';

const withBackend = (entry: Record<string, unknown>) =>
  parseConfigDocument({ backends: [{ name: 'k8s', kind: 'kubernetes', ...entry }] });

const settings = (kubernetes: Record<string, unknown>) => withBackend({ kubernetes });

test('a kubernetes block gets the osmo image paths, KAI and no overrides by default', () => {
  const doc = withBackend({
    k8s_namespace: 'osmo-jobs',
    kubernetes: { kubeconfig: '/etc/osmo/kubeconfig', context: 'lab', runtime_image: 'osmo:1.2' },
  });
  const entry = doc.backends[0];
  assert.equal(entry?.k8s_namespace, 'osmo-jobs');
  assert.deepEqual(entry?.kubernetes, {
    kubeconfig: '/etc/osmo/kubeconfig',
    context: 'lab',
    in_cluster: false,
    runtime_image: 'osmo:1.2',
    runtime_install_dir: '/app',
    runtime_node_path: '/usr/local/bin/node',
    scheduler: 'kai',
    kai_scheduler_name: 'kai-scheduler',
    stop_grace_seconds: null,
    resync_seconds: null,
    finished_pod_ttl_seconds: null,
    qps: null,
    burst: null,
  });
  const inCluster = settings({
    in_cluster: true,
    runtime_image: 'osmo:1.2',
    scheduler: 'default',
    stop_grace_seconds: 0,
    resync_seconds: 60,
    finished_pod_ttl_seconds: 600,
    qps: 5,
    burst: 10,
  }).backends[0]?.kubernetes;
  assert.equal(inCluster?.in_cluster, true);
  assert.equal(inCluster?.scheduler, 'default');
  assert.equal(inCluster?.qps, 5);
  // Entries of other kinds carry none.
  assert.equal(
    parseConfigDocument({ backends: [{ name: 'd', kind: 'docker' }] }).backends[0]?.kubernetes,
    null,
  );
});

test('bad kubernetes settings are refused naming the field', () => {
  const image = { runtime_image: 'osmo:1.2' };
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ ...image }, /backends\.0\.kubernetes\.kubeconfig: set kubeconfig .* or in_cluster: true/],
    [{ ...image, kubeconfig: '/k', in_cluster: true }, /backends\.0\.kubernetes\.in_cluster: set either/],
    [{ ...image, kubeconfig: 'kube.yaml' }, /backends\.0\.kubernetes\.kubeconfig: must be an absolute path/],
    [{ ...image, in_cluster: true, context: 'lab' }, /backends\.0\.kubernetes\.context: names a context/],
    [{ in_cluster: true }, /backends\.0\.kubernetes\.runtime_image:/],
    [
      { in_cluster: true, runtime_image: '  ' },
      /backends\.0\.kubernetes\.runtime_image: must name the osmo image/,
    ],
    [{ ...image, in_cluster: true, scheduler: 'volcano' }, /backends\.0\.kubernetes\.scheduler:/],
    [
      { ...image, in_cluster: true, runtime_install_dir: 'app' },
      /kubernetes\.runtime_install_dir: must be an absolute/,
    ],
    [{ ...image, in_cluster: true, stop_grace_seconds: -1 }, /kubernetes\.stop_grace_seconds:/],
    [{ ...image, in_cluster: true, resync_seconds: 0 }, /kubernetes\.resync_seconds:/],
    [{ ...image, in_cluster: true, qps: 0 }, /kubernetes\.qps:/],
    [{ ...image, in_cluster: true, burst: 1.5 }, /kubernetes\.burst:/],
    [{ ...image, in_cluster: true, namespace: 'x' }, /backends\.0\.kubernetes: .*namespace/],
  ];
  for (const [block, message] of cases) assert.throws(() => settings(block), message, JSON.stringify(block));
  assert.throws(
    () => withBackend({}),
    /backend k8s: kind kubernetes needs a kubernetes block \(runtime_image, and kubeconfig or in_cluster\)/,
  );
});
