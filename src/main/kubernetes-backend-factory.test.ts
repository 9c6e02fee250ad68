// The pod placement a kubernetes backend made from its entry gives each launch.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeAttempt } from '../backends/contract.js';
import { DEFAULT_PLACEMENT } from '../backends/kubernetes/index.js';
import { placementOf } from './kubernetes-backend-factory.js';

test('a launch is placed by its pool, platform labels and user; node names lose the backend prefix', () => {
  const launch = {
    ...makeAttempt('/tmp/storage', {}),
    placement: {
      pool: 'gpu',
      platform: 'h100',
      nodeLabels: { 'nvidia.com/gpu.product': 'H100' },
      nodesExcluded: ['k8s:node-a', 'node-b'],
      submittedBy: 'alice@example.com',
      lead: false,
      workflowLabels: { team: 'vision' },
    },
  };
  assert.deepEqual(placementOf('k8s')(launch), {
    pool: 'gpu',
    platform: 'h100',
    podTemplates: [],
    nodeSelector: { 'nvidia.com/gpu.product': 'H100' },
    tolerations: [],
    nodesExcluded: ['node-a', 'node-b'],
    submittedBy: 'alice@example.com',
    lead: false,
    workflowLabels: { team: 'vision' },
  });
  assert.equal(placementOf('k8s')(makeAttempt('/tmp/storage', {})), DEFAULT_PLACEMENT);
});
