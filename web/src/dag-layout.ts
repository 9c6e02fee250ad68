// Lays out a workflow's group graph with dagre: ranks along the chosen direction, each group after all of
// its upstream groups, crossings kept down. Pure: names and edges in, boxes out.
import { Graph, layout } from '@dagrejs/dagre';

export interface DagInput {
  readonly name: string;
  readonly downstream: readonly string[];
}

/** `TB`: upstream above downstream; `LR`: upstream left of downstream. */
export type DagDirection = 'TB' | 'LR';

export interface DagNode {
  readonly name: string;
  /** The rank counted from the first (0): how many steps of the graph come before it at most. */
  readonly layer: number;
  /** Top-left corner. */
  readonly x: number;
  readonly y: number;
}

export interface DagEdge {
  readonly from: string;
  readonly to: string;
}

export interface DagLayout {
  readonly nodes: DagNode[];
  readonly edges: DagEdge[];
  readonly width: number;
  readonly height: number;
}

export const NODE_WIDTH = 200;
export const NODE_HEIGHT = 56;
const GAP_ACROSS = 36;
const GAP_ALONG = 56;

/**
 * Edges to groups the workflow does not have, and a group's edge to itself, are dropped. Specs with
 * cycles are refused by the service; should one reach here, dagre breaks it rather than looping.
 */
export function layoutDag(groups: readonly DagInput[], direction: DagDirection = 'TB'): DagLayout {
  const names = new Set(groups.map((g) => g.name));
  const edges: DagEdge[] = groups.flatMap((g) =>
    g.downstream.filter((d) => names.has(d) && d !== g.name).map((d) => ({ from: g.name, to: d })),
  );
  const graph = new Graph();
  graph.setGraph({ rankdir: direction, nodesep: GAP_ACROSS, ranksep: GAP_ALONG, marginx: 0, marginy: 0 });
  graph.setDefaultEdgeLabel(() => ({}));
  for (const g of groups) graph.setNode(g.name, { width: NODE_WIDTH, height: NODE_HEIGHT });
  for (const e of edges) graph.setEdge(e.from, e.to);
  layout(graph);

  const placed = groups.map((g) => {
    const n = graph.node(g.name) as { x: number; y: number };
    return { name: g.name, x: n.x - NODE_WIDTH / 2, y: n.y - NODE_HEIGHT / 2 };
  });
  // Ranks are the distinct positions along the direction, in order.
  const along = (p: { x: number; y: number }): number => Math.round(direction === 'TB' ? p.y : p.x);
  const ranks = [...new Set(placed.map(along))].sort((a, b) => a - b);
  const nodes = placed.map((p) => ({ ...p, layer: ranks.indexOf(along(p)) }));
  const width = Math.max(0, ...nodes.map((n) => n.x + NODE_WIDTH));
  const height = Math.max(0, ...nodes.map((n) => n.y + NODE_HEIGHT));
  return { nodes, edges, width, height };
}
