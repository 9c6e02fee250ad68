// The workflow's groups as a graph. The canvas (React Flow and its layout) is a chunk of its own, loaded
// when a workflow page first draws one, so the first page of the app stays small.
import { Suspense, lazy } from 'react';
import type { GroupEntry } from '../api/types.js';

export { latestTasks } from '../dag-hints.js';

const DagCanvas = lazy(() => import('./dag-canvas.js'));

export function Dag(props: {
  groups: readonly GroupEntry[];
  selected: string | null;
  onSelect: (group: GroupEntry) => void;
}) {
  return (
    <Suspense
      fallback={
        <div className="dag" aria-busy="true">
          <p className="muted">Drawing the graph…</p>
        </div>
      }
    >
      <DagCanvas {...props} />
    </Suspense>
  );
}
