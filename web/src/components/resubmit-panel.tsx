// Resubmit a workflow as a new one: the stored spec by reference when left alone, the edited text when changed.
import { useEffect, useState } from 'react';
import { apiText } from '../api/client.js';
import { submitSpec, verdictText } from '../api/submit.js';
import type { SubmitMode } from '../api/submit.js';
import type { WorkflowDetail } from '../api/types.js';
import { navigate } from '../router.js';
import { PoolPriority, SetValues, SubmitAnswer, useDefaultPool } from './pool-priority.js';
import { parseValues } from '../submit-values.js';

export function ResubmitPanel({ wf, onClose }: { wf: WorkflowDetail; onClose: () => void }) {
  const [original, setOriginal] = useState<string | null>(null);
  const [spec, setSpec] = useState('');
  const [values, setValues] = useState('');
  const fallbackPool = useDefaultPool();
  const [pool, setPool] = useState(wf.pool ?? fallbackPool);
  const [priority, setPriority] = useState<string>(wf.priority);
  // Label keys stay; their values may change.
  const [labels, setLabels] = useState<Record<string, string>>({ ...wf.labels });
  const [verdict, setVerdict] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    const abort = new AbortController();
    // The template as submitted: an edit is sent as a new template, so values still apply to it.
    apiText(`/api/workflow/${encodeURIComponent(wf.name)}/spec`, {
      query: { use_template: true },
      signal: abort.signal,
    })
      .then((text) => {
        setOriginal(text);
        setSpec(text);
      })
      .catch((err: unknown) => {
        if (!abort.signal.aborted) setError(err instanceof Error ? err.message : String(err));
      });
    return () => abort.abort();
  }, [wf.name]);
  const edited = original !== null && spec !== original;
  const send = async (mode: SubmitMode): Promise<void> => {
    setBusy(true);
    setError(null);
    setVerdict(null);
    try {
      const result = await submitSpec({
        pool,
        priority,
        spec: edited ? spec : null,
        values: parseValues(values),
        mode,
        query: {
          ...(edited ? {} : { workflow_id: wf.name }),
          label: Object.entries(labels).map(([k, v]) => `${k}=${v}`),
        },
      });
      if (mode === 'submit') {
        onClose();
        navigate(`/workflows/${encodeURIComponent(result.name)}`);
      } else setVerdict(verdictText(mode, result));
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="overlay" role="dialog" aria-modal="true" aria-label="Resubmit workflow">
      <form
        className="overlay-body"
        onSubmit={(e) => {
          e.preventDefault();
          void send('submit');
        }}
      >
        <header className="title-row">
          <h2>Resubmit {wf.name}</h2>
          <span className="spacer" />
          <button type="button" onClick={onClose} aria-label="Close">
            ×
          </button>
        </header>
        <p className="muted" data-testid="resubmit-mode">
          {original === null
            ? 'Loading the spec…'
            : edited
              ? 'Edited: the new text is submitted.'
              : 'Unchanged: the stored spec is resubmitted.'}
        </p>
        <textarea
          aria-label="Workflow spec"
          className="code"
          rows={16}
          spellCheck={false}
          value={spec}
          disabled={original === null}
          onChange={(e) => setSpec(e.target.value)}
        />
        <PoolPriority pool={pool} priority={priority} onPool={setPool} onPriority={setPriority} />
        {Object.keys(labels).length > 0 ? (
          <fieldset>
            <legend>Labels</legend>
            {Object.entries(labels).map(([k, v]) => (
              <label key={k}>
                {k}{' '}
                <input
                  aria-label={`Label ${k}`}
                  value={v}
                  onChange={(e) => setLabels({ ...labels, [k]: e.target.value })}
                />
              </label>
            ))}
          </fieldset>
        ) : null}
        <SetValues value={values} onChange={setValues} />
        <SubmitAnswer error={error} verdict={verdict} />
        <div className="toolbar">
          <button type="button" disabled={busy || original === null} onClick={() => void send('dry_run')}>
            Dry run
          </button>
          <button type="submit" className="primary" disabled={busy || original === null}>
            Resubmit
          </button>
        </div>
      </form>
    </div>
  );
}
