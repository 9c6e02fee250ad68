// Where a workflow's results are: each task's output URLs and the datasets it writes, linked where a browser can follow.
import type { TaskEntry, TaskOutput, WorkflowDetail } from '../api/types.js';
import { useApi } from '../api/use-api.js';
import { parseDatasetRef } from '../dataset-ref.js';
import { Link } from '../router.js';
import { latestTasks } from './dag.js';

const isWebUrl = (url: string): boolean => /^https?:\/\//i.test(url);

function OutputItem({ output, defaultBucket }: { output: TaskOutput; defaultBucket: string }) {
  if ('url' in output) {
    return isWebUrl(output.url) ? (
      <a href={output.url} target="_blank" rel="noopener noreferrer">
        {output.url}
      </a>
    ) : (
      <span>
        <code>{output.url}</code>{' '}
        <button
          type="button"
          aria-label={`Copy ${output.url}`}
          onClick={() => void navigator.clipboard?.writeText(output.url)}
        >
          Copy
        </button>
      </span>
    );
  }
  const ref = parseDatasetRef(output.dataset, defaultBucket);
  const to = `/datasets/${encodeURIComponent(ref.bucket)}/${encodeURIComponent(ref.name)}${
    ref.tag === null ? '' : `?tag=${encodeURIComponent(ref.tag)}`
  }`;
  return (
    <span>
      Dataset <Link to={to}>{output.dataset}</Link>
      {output.path === '' ? null : <span className="muted"> from {output.path}</span>}
    </span>
  );
}

/** The bucket a dataset name without one lives in; asked only when some output names a dataset. */
function useDefaultBucket(outputs: readonly TaskOutput[]): string {
  const needed = outputs.some((o) => 'dataset' in o && !o.dataset.includes('/'));
  const buckets = useApi<{ default: string }>(needed ? '/api/bucket' : null);
  return buckets.data?.default ?? 'osmo';
}

export function TaskOutputs({ task }: { task: TaskEntry }) {
  const outputs = task.outputs ?? [];
  const bucket = useDefaultBucket(outputs);
  if (outputs.length === 0) return <>—</>;
  return (
    <ul className="plain outputs">
      {outputs.map((o, i) => (
        <li key={i}>
          <OutputItem output={o} defaultBucket={bucket} />
        </li>
      ))}
    </ul>
  );
}

/** Every task's outputs, lead tasks' latest attempts only, for the workflow overview. */
export function WorkflowOutputs({ wf }: { wf: WorkflowDetail }) {
  const tasks = wf.groups.flatMap(latestTasks).filter((t) => (t.outputs ?? []).length > 0);
  const bucket = useDefaultBucket(tasks.flatMap((t) => t.outputs ?? []));
  if (tasks.length === 0) return <p className="muted">No outputs.</p>;
  return (
    <table className="table" aria-label="Outputs">
      <thead>
        <tr>
          <th>Task</th>
          <th>Output</th>
        </tr>
      </thead>
      <tbody>
        {tasks.flatMap((t) =>
          (t.outputs ?? []).map((o, i) => (
            <tr key={`${t.name}/${i}`} data-output-task={t.name}>
              <td>{i === 0 ? t.name : ''}</td>
              <td>
                <OutputItem output={o} defaultBucket={bucket} />
              </td>
            </tr>
          )),
        )}
      </tbody>
    </table>
  );
}
