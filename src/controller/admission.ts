// Submit-time checks against the pool: platform per task, the GPU guarantee, resource assertions, and a dry-run verdict.
import type { ConfigDocument } from '../config/pool-config.js';
import type { Priority } from '../core/index.js';
import { resourceError, userError } from '../core/index.js';
import type { RuleNode, SchedulerSnapshot } from '../scheduler/index.js';
import {
  DEFAULT_RESOURCE_RULES,
  checkTaskResources,
  guaranteeViolation,
  mentionsNode,
  planSnapshot,
  taskNodes,
} from '../scheduler/index.js';
import { missingPlatformMessage, quantityRuleText, unknownPlatformMessage } from '../spec/index.js';
import type { TaskSpec, WorkflowSpec } from '../spec/index.js';
import type { EngineContext } from './context.js';
import { assertPlatformPermits } from './host-mounts.js';
import { poolShapes } from './live-config.js';
import { runningAttemptOf } from './schedule-snapshot.js';

const GIB = 1024 ** 3;

export function assertPoolIn(doc: ConfigDocument, pool: string): void {
  if (doc.pools[pool] === undefined) throw userError(`Pool ${pool} not found.`);
}

/** The platform of a task: its resource's, else the pool's default. */
export function platformOf(doc: ConfigDocument, pool: string, task: TaskSpec): string {
  const config = doc.pools[pool];
  const platform = task.resource.platform ?? config?.default_platform ?? null;
  // Upstream raises both as resource errors, which its CLI reports as submission errors (exit 1).
  if (platform === null || config === undefined) {
    throw resourceError(missingPlatformMessage(task.resourceName, pool));
  }
  if (config.platforms[platform] === undefined) {
    throw resourceError(
      unknownPlatformMessage(platform, pool, task.resourceName, Object.keys(config.platforms).sort()),
    );
  }
  return platform;
}

/** Every admission check of a spec; throws the first failure with upstream's message. */
export function assertAdmissible(
  ctx: EngineContext,
  spec: WorkflowSpec,
  pool: string,
  priority: Priority,
): void {
  const doc = ctx.config.current();
  assertPoolIn(doc, pool);
  const shapes = poolShapes(doc);
  // A pool whose backend is down has no nodes to check against now: its work is held to the rules that
  // need none, and waits for the backend instead of being refused.
  const backendDown = ctx.backends.unavailable(doc, doc.pools[pool]?.backend ?? '') !== null;
  const shape = shapes.find((p) => p.name === pool);
  const config = doc.pools[pool];
  if (shape === undefined || config === undefined) return;
  if (priority !== 'LOW') {
    const groups = spec.groups.map((g) => ({
      name: g.name,
      gpu: g.tasks.reduce((s, t) => s + (t.resource.gpu ?? 0), 0),
    }));
    const violation = guaranteeViolation(shape, groups);
    if (violation !== null) throw userError(violation);
  }
  const nodes = ctx.nodes();
  for (const task of spec.groups.flatMap((g) => g.tasks)) {
    const platform = platformOf(doc, pool, task);
    assertPlatformPermits(ctx, doc, pool, platform, task);
    const ruleNames = [
      ...config.common_resource_validations,
      ...(config.platforms[platform]?.resource_validations ?? []),
    ];
    // A pool that names no rules gets the stock ones, so work that fits no node is refused at submit.
    const names = ruleNames.length > 0 ? ruleNames : Object.keys(DEFAULT_RESOURCE_RULES);
    const rules = names
      .flatMap((n) => doc.resource_validations[n] ?? DEFAULT_RESOURCE_RULES[n] ?? [])
      .filter((r) => !backendDown || !mentionsNode(r));
    const ruleNodes: RuleNode[] = taskNodes(shape, { platform, nodesExcluded: [] }, nodes).map((n) => ({
      name: n.name,
      poolPlatforms: memberships(shapes, nodes, n.name),
      cpu: n.cpu,
      gpu: n.gpu,
      memoryBytes: n.memoryBytes,
      storageBytes: n.storageBytes ?? 0,
    }));
    const failure = checkTaskResources(
      task.name,
      {
        cpu: task.resource.cpu ?? 1,
        gpu: task.resource.gpu ?? 0,
        memory: quantityRuleText(task.resource.memory ?? '1Gi'),
        storage: quantityRuleText(task.resource.storage ?? '1Gi'),
      },
      rules,
      ruleNodes,
      { pool, platform },
    );
    if (failure !== null) throw resourceError(failure);
  }
}

/** `pool/platform` names a node belongs to. */
function memberships(
  shapes: ReturnType<typeof poolShapes>,
  nodes: ReturnType<EngineContext['nodes']>,
  nodeName: string,
): string[] {
  const node = nodes.find((n) => n.name === nodeName);
  if (node === undefined) return [];
  return shapes.flatMap((p) =>
    p.platforms
      .filter((pl) => taskNodes(p, { platform: pl.name, nodesExcluded: [] }, [node]).length > 0)
      .map((pl) => `${p.name}/${pl.name}`),
  );
}

/**
 * For `submit --dry-run`, on a spec that passed `assertAdmissible`: would its first groups start now,
 * wait (and why), or never fit.
 */
export async function dryRunVerdict(
  ctx: EngineContext,
  spec: WorkflowSpec,
  pool: string,
  priority: Priority,
): Promise<string> {
  const doc = ctx.config.current();
  const attempts = await ctx.store.tasks.listRunningAttempts(['SCHEDULING', 'INITIALIZING', 'RUNNING']);
  const roots = spec.groups.filter((g) => g.upstreamGroups.length === 0);
  const snapshot: SchedulerSnapshot = {
    pools: poolShapes(doc, (backend) => ctx.backends.unavailable(doc, backend)),
    nodes: ctx.nodes(),
    running: attempts.filter((a) => a.nodeName !== null).map(runningAttemptOf),
    queue: roots.map((g) => ({
      key: `dry-run/${g.name}`,
      pool,
      priority,
      submitTime: ctx.now(),
      tasks: g.tasks.map((t) => ({
        key: t.name,
        cpu: t.resource.cpu ?? 1,
        memoryBytes: t.resource.memoryBytes ?? GIB,
        gpu: t.resource.gpu ?? 0,
        platform: platformOf(doc, pool, t),
        nodesExcluded: t.resource.nodesExcluded,
      })),
    })),
  };
  const queuedAhead = attempts.filter((a) => a.nodeName === null).length;
  const plan = planSnapshot(snapshot);
  const wait = plan.waiting[0];
  if (wait === undefined) {
    return queuedAhead > 0
      ? `Would start now on free capacity (${queuedAhead} queued task(s) may be served first).`
      : 'Would start now.';
  }
  if (wait.kind === 'never') return `Would never fit: ${wait.reason}`;
  const estimate = wait.estimatedStart ? ` Estimated start: ${wait.estimatedStart.toISOString()}.` : '';
  return `Would wait: ${wait.reason}.${estimate}`;
}
