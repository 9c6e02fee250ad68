// Thousands of PENDING workflows written straight into a store, as the submit path would, before a
// service starts on it: shared by the event-loop test and bench/event-loop.ts.
import { groupRows } from '../../src/controller/submit.js';
import { parseWorkflowSpec } from '../../src/spec/index.js';
import { openStore, type StoreConfig } from '../../src/store/index.js';

/** A one-task workflow that asks for a GPU, so it waits in the pool below. */
export const WAITING_SPEC = `workflow:
  name: waiting
  resources:
    default:
      gpu: 1
  tasks:
    - name: task
      image: ubuntu
      command: ['true']
`;

// One 8-GPU node in a pool whose GPU maximum is 0: every queued group waits on quota, nothing launches.
export const NO_GPU_QUOTA_CONFIG = {
  backends: [{ name: 'local', nodes: [{ name: 'n0', cpu: 64, memoryBytes: 256 * 1024 ** 3, gpu: 8 }] }],
  pools: {
    default: {
      backend: 'local',
      default_platform: 'gpu',
      platforms: { gpu: {} },
      resources: { gpu: { guarantee: -1, maximum: 0, weight: 1 } },
    },
  },
};

/** Writes `count` PENDING copies of `specText`, submitted a second apart and ending now. */
export async function prefillPendingWorkflows(
  config: StoreConfig,
  count: number,
  specText: string = WAITING_SPEC,
): Promise<void> {
  const store = await openStore(config);
  try {
    const spec = parseWorkflowSpec(specText, { set: [], setString: [], envVars: [] });
    const start = Date.now() - count * 1000;
    for (let i = 0; i < count; i++) {
      await store.workflows.create({
        workflowName: spec.name,
        submittedBy: 'bench',
        submitTime: new Date(start + i * 1000),
        execTimeoutSeconds: spec.timeout.execTimeoutSeconds,
        queueTimeoutSeconds: spec.timeout.queueTimeoutSeconds,
        backend: 'process',
        pool: 'default',
        status: 'PENDING',
        priority: 'NORMAL',
        specText: spec.renderedYaml,
        specJson: spec,
        groups: groupRows(spec),
      });
    }
  } finally {
    await store.close();
  }
}
