// The graph canvas: React Flow with a dagre layout, one node per group (a one-task group drawn as its task)
// coloured by status, zoom and fit controls, a minimap and a top-down / left-right switch.
import { useMemo, useState } from 'react';
import type { KeyboardEvent, ReactNode } from 'react';
import {
  Background,
  Controls,
  Handle,
  MarkerType,
  MiniMap,
  Position,
  ReactFlow,
  ReactFlowProvider,
} from '@xyflow/react';
import type { Edge, Node, NodeProps, NodeTypes } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import type { GroupEntry } from '../api/types.js';
import { groupFace, groupHint } from '../dag-hints.js';
import { NODE_HEIGHT, NODE_WIDTH, layoutDag } from '../dag-layout.js';
import type { DagDirection } from '../dag-layout.js';
import { statusCategory } from '../status.js';

interface GroupNodeData extends Record<string, unknown> {
  readonly group: GroupEntry;
  readonly selected: boolean;
  readonly direction: DagDirection;
  readonly onSelect: (group: GroupEntry) => void;
}

type GroupNode = Node<GroupNodeData, 'osmoGroup'>;

/** A group's box: what it shows and how it is chosen (click, Enter or Space); the handles go inside. */
export function GroupNodeBody({
  group,
  selected,
  onSelect,
  children,
}: {
  group: GroupEntry;
  selected: boolean;
  onSelect: (group: GroupEntry) => void;
  children?: ReactNode;
}) {
  const face = groupFace(group);
  const key = (event: KeyboardEvent): void => {
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      onSelect(group);
    }
  };
  return (
    <div
      role="treeitem"
      aria-selected={selected}
      tabIndex={0}
      className={`dag-node status-${statusCategory(face.status)}${selected ? ' selected' : ''}`}
      style={{ width: NODE_WIDTH, height: NODE_HEIGHT }}
      onClick={() => onSelect(group)}
      onKeyDown={key}
      title={`${group.name}: ${face.status}`}
      data-group={group.name}
      data-status={face.status}
    >
      <strong>{face.title}</strong>
      {face.count > 1 ? <span className="count">{face.count}</span> : null}
      <small>{groupHint(group)}</small>
      {children}
    </div>
  );
}

function GroupBox({ data }: NodeProps<GroupNode>) {
  const { group, selected, direction, onSelect } = data;
  return (
    <GroupNodeBody group={group} selected={selected} onSelect={onSelect}>
      <Handle
        type="target"
        position={direction === 'TB' ? Position.Top : Position.Left}
        isConnectable={false}
      />
      <Handle
        type="source"
        position={direction === 'TB' ? Position.Bottom : Position.Right}
        isConnectable={false}
      />
    </GroupNodeBody>
  );
}

/** One group of the shape key back: `name>down1,down2`. */
function parseShape(entry: string): { name: string; downstream: string[] } {
  const at = entry.indexOf('>');
  const down = entry.slice(at + 1);
  return { name: entry.slice(0, at), downstream: down === '' ? [] : down.split(',') };
}

// Not "group": React Flow styles its own group type.
const NODE_TYPES: NodeTypes = { osmoGroup: GroupBox };
const MINIMAP_FROM_GROUPS = 12;

/** The minimap's colour for a node: its status category's border colour, read from the stylesheet. */
function miniColour(node: Node): string {
  const group = (node.data as GroupNodeData).group;
  return `var(--${statusCategory(groupFace(group).status)})`;
}

export default function DagCanvas({
  groups,
  selected,
  onSelect,
}: {
  groups: readonly GroupEntry[];
  selected: string | null;
  onSelect: (group: GroupEntry) => void;
}) {
  const [direction, setDirection] = useState<DagDirection>('TB');
  const [minimap, setMinimap] = useState(groups.length >= MINIMAP_FROM_GROUPS);
  // The layout depends only on the graph's shape, not on statuses: a status change only recolours.
  const shape = groups.map((g) => `${g.name}>${(g.downstream_groups ?? []).join(',')}`).join(';');
  const layout = useMemo(
    () => layoutDag(shape === '' ? [] : shape.split(';').map(parseShape), direction),
    [shape, direction],
  );
  const byName = new Map(groups.map((g) => [g.name, g]));
  const nodes: GroupNode[] = layout.nodes.flatMap((n) => {
    const group = byName.get(n.name);
    if (!group) return [];
    return [
      {
        id: n.name,
        type: 'osmoGroup' as const,
        position: { x: n.x, y: n.y },
        data: { group, selected: selected === n.name, direction, onSelect },
        width: NODE_WIDTH,
        height: NODE_HEIGHT,
        draggable: false,
        connectable: false,
        selectable: false,
        focusable: false,
      },
    ];
  });
  const edges: Edge[] = layout.edges.map((e) => {
    const from = byName.get(e.from);
    const running = from !== undefined && statusCategory(groupFace(from).status) === 'running';
    return {
      id: `${e.from}->${e.to}`,
      source: e.from,
      target: e.to,
      type: 'smoothstep',
      animated: running,
      markerEnd: { type: MarkerType.ArrowClosed },
      className: 'dag-edge',
      focusable: false,
    };
  });
  // Tall enough for the graph, within the page: a two-group workflow gets a small canvas.
  const height = Math.min(460, Math.max(160, layout.height + 80));
  return (
    <div className="dag" role="tree" aria-label="Workflow graph" style={{ height }}>
      <ReactFlowProvider>
        <ReactFlow
          key={direction}
          nodes={nodes}
          edges={edges}
          nodeTypes={NODE_TYPES}
          fitView
          fitViewOptions={{ padding: 0.15, maxZoom: 1 }}
          minZoom={0.2}
          maxZoom={2}
          nodesDraggable={false}
          nodesConnectable={false}
          elementsSelectable={false}
          nodesFocusable={false}
          edgesFocusable={false}
          proOptions={{ hideAttribution: true }}
        >
          <Background gap={16} size={1} />
          <Controls showInteractive={false} position="bottom-left" />
          {minimap ? <MiniMap pannable zoomable nodeColor={miniColour} position="bottom-right" /> : null}
          <div className="dag-tools">
            <button
              type="button"
              onClick={() => setDirection((d) => (d === 'TB' ? 'LR' : 'TB'))}
              aria-label={direction === 'TB' ? 'Lay out left to right' : 'Lay out top to bottom'}
              title={direction === 'TB' ? 'Lay out left to right' : 'Lay out top to bottom'}
            >
              {direction === 'TB' ? '⇢' : '⇣'}
            </button>
            <button type="button" aria-pressed={minimap} onClick={() => setMinimap((m) => !m)}>
              Minimap
            </button>
          </div>
        </ReactFlow>
      </ReactFlowProvider>
    </div>
  );
}
