// The API's node list as the nodes osmo may place on, with their allocatable capacity: pure.
import type { V1Node } from '@kubernetes/client-node';
import type { NodeInventory } from '../backend.js';

const SUFFIXES: Readonly<Record<string, number>> = {
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};
const FRACTIONS: Readonly<Record<string, number>> = { n: 1e9, u: 1e6, m: 1e3 };
const QUANTITY = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E))?$/;

/** A Kubernetes quantity (`3800m`, `16Gi`, `1e3`) as a number; throws on anything else. */
export function parseQuantity(text: string): number {
  const m = QUANTITY.exec(text.trim());
  if (m === null) throw new Error(`"${text}" is not a Kubernetes quantity`);
  const base = Number(m[1]);
  if (m[2] !== undefined) return base * 10 ** Number(m[2].slice(1));
  const suffix = m[3];
  // Sub-unit suffixes divide, so `3800m` is exactly 3.8.
  if (suffix === undefined) return base;
  const divisor = FRACTIONS[suffix];
  return divisor === undefined ? base * (SUFFIXES[suffix] ?? 1) : base / divisor;
}

/** Labels node-feature-discovery adds by the hundred; upstream drops them too. */
const DROPPED_LABEL_PREFIX = 'feature.node.kubernetes.io';
export const GPU_RESOURCE = 'nvidia.com/gpu';

/** Upstream's availability: schedulable and `Ready`; condition rules beyond Ready are not configurable here. */
export function isNodeAvailable(node: V1Node): boolean {
  if (node.spec?.unschedulable === true) return false;
  return (node.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

/** The available nodes, CPU as whole cores as upstream reports it. */
export function nodeInventory(nodes: readonly V1Node[]): NodeInventory[] {
  return nodes.filter(isNodeAvailable).map((node) => {
    const allocatable = node.status?.allocatable ?? {};
    const amount = (key: string): number => {
      const value = allocatable[key];
      return value === undefined ? 0 : parseQuantity(value);
    };
    const labels = Object.fromEntries(
      Object.entries(node.metadata?.labels ?? {}).filter(([k]) => !k.startsWith(DROPPED_LABEL_PREFIX)),
    );
    return {
      name: node.metadata?.name ?? '',
      cpu: Math.floor(amount('cpu')),
      memoryBytes: Math.floor(amount('memory')),
      storageBytes: Math.floor(amount('ephemeral-storage')),
      gpu: Math.floor(amount(GPU_RESOURCE)),
      labels,
    };
  });
}
