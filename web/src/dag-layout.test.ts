import { describe, expect, test } from 'vitest';
import { NODE_HEIGHT, NODE_WIDTH, layoutDag } from './dag-layout.js';
import type { DagInput } from './dag-layout.js';

const DIAMOND: DagInput[] = [
  { name: 'a', downstream: ['b', 'c'] },
  { name: 'b', downstream: ['d'] },
  { name: 'c', downstream: ['d'] },
  { name: 'd', downstream: [] },
  { name: 'e', downstream: ['d'] },
];

function overlaps(layout: ReturnType<typeof layoutDag>): boolean {
  return layout.nodes.some((p, i) =>
    layout.nodes.some(
      (q, j) => i < j && Math.abs(p.x - q.x) < NODE_WIDTH && Math.abs(p.y - q.y) < NODE_HEIGHT,
    ),
  );
}

describe('the workflow graph layout', () => {
  test('every group is drawn after all of its upstream groups, top to bottom or left to right', () => {
    for (const direction of ['TB', 'LR'] as const) {
      const layout = layoutDag(DIAMOND, direction);
      const at = new Map(layout.nodes.map((n) => [n.name, n]));
      for (const e of layout.edges) {
        const from = at.get(e.from);
        const to = at.get(e.to);
        expect(from && to).toBeTruthy();
        if (!from || !to) continue;
        expect(to.layer).toBeGreaterThan(from.layer);
        if (direction === 'TB') expect(to.y).toBeGreaterThanOrEqual(from.y + NODE_HEIGHT);
        else expect(to.x).toBeGreaterThanOrEqual(from.x + NODE_WIDTH);
      }
      expect(at.get('a')?.layer).toBe(0);
      expect(at.get('d')?.layer).toBe(2);
      expect(overlaps(layout)).toBe(false);
    }
  });

  test('a chain is one column; the size covers every box', () => {
    const layout = layoutDag([
      { name: 'a', downstream: ['b'] },
      { name: 'b', downstream: ['c'] },
      { name: 'c', downstream: [] },
    ]);
    expect(new Set(layout.nodes.map((n) => n.x)).size).toBe(1);
    expect(layout.edges).toHaveLength(2);
    for (const n of layout.nodes) {
      expect(n.x + NODE_WIDTH).toBeLessThanOrEqual(layout.width);
      expect(n.y + NODE_HEIGHT).toBeLessThanOrEqual(layout.height);
    }
  });

  test('edges to unknown groups and to itself are dropped, and a cycle does not loop', () => {
    const layout = layoutDag([
      { name: 'a', downstream: ['b', 'ghost', 'a'] },
      { name: 'b', downstream: ['a'] },
    ]);
    expect(layout.nodes.map((n) => n.name).sort()).toEqual(['a', 'b']);
    expect(layout.edges).toEqual([
      { from: 'a', to: 'b' },
      { from: 'b', to: 'a' },
    ]);
  });

  test('children are ordered under their parents, so edges do not cross', () => {
    const layout = layoutDag([
      { name: 'left', downstream: ['under-right'] },
      { name: 'right', downstream: ['under-left'] },
      { name: 'under-left', downstream: [] },
      { name: 'under-right', downstream: [] },
    ]);
    const x = (n: string): number => layout.nodes.find((m) => m.name === n)?.x ?? -1;
    expect(Math.sign(x('left') - x('right'))).toBe(Math.sign(x('under-right') - x('under-left')));
  });
});
