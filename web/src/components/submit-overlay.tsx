// Submit a workflow from the browser: paste or upload YAML, --set values, pool and priority, dry run, then submit.
import { useState } from 'react';
import type { FormEvent } from 'react';
import { submitSpec, verdictText } from '../api/submit.js';
import type { SubmitMode } from '../api/submit.js';
import { navigate } from '../router.js';
import { PoolPriority, SetValues, SubmitAnswer, useDefaultPool } from './pool-priority.js';
import { parseValues } from '../submit-values.js';
import { YamlEditor } from './yaml-editor.js';

export function SubmitOverlay({ onClose }: { onClose: () => void }) {
  const [spec, setSpec] = useState('');
  const [sets, setSets] = useState('');
  const [pool, setPool] = useState(useDefaultPool());
  const [priority, setPriority] = useState('NORMAL');
  const [verdict, setVerdict] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // The browser cannot read the submitter's disk: such specs go through the CLI.
  const usesLocalFiles = /^\s*-?\s*localpath\s*:/m.test(spec);

  const send = async (mode: SubmitMode): Promise<void> => {
    setBusy(true);
    setError(null);
    setVerdict(null);
    try {
      const result = await submitSpec({ pool, priority, spec, values: parseValues(sets), mode });
      if (mode === 'submit') {
        onClose();
        navigate(`/workflows/${encodeURIComponent(result.name)}`);
        return;
      }
      setVerdict(verdictText(mode, result));
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  const onSubmit = (event: FormEvent): void => {
    event.preventDefault();
    void send('submit');
  };
  return (
    <div className="overlay" role="dialog" aria-modal="true" aria-label="Submit workflow">
      <form className="overlay-body" onSubmit={onSubmit}>
        <header className="title-row">
          <h2>Submit workflow</h2>
          <span className="spacer" />
          <button type="button" onClick={onClose} aria-label="Close">
            ×
          </button>
        </header>
        <label>
          Spec file{' '}
          <input
            type="file"
            accept=".yaml,.yml,text/yaml"
            aria-label="Upload a spec"
            onChange={(e) => void e.target.files?.[0]?.text().then(setSpec)}
          />
        </label>
        <YamlEditor
          label="Workflow spec"
          placeholder={
            'workflow:\n  name: hello\n  tasks:\n  - name: hello\n    image: ubuntu:24.04\n    command: [echo, hello]'
          }
          value={spec}
          onChange={setSpec}
        />
        {usesLocalFiles ? (
          <p className="error">
            This spec reads local files (localpath): the browser cannot upload them. Inline them with
            contents: or submit with the CLI.
          </p>
        ) : null}
        <PoolPriority pool={pool} priority={priority} onPool={setPool} onPriority={setPriority} />
        <SetValues value={sets} onChange={setSets} />
        <SubmitAnswer error={error} verdict={verdict} />
        <div className="toolbar">
          <button
            type="button"
            disabled={busy || spec.trim() === ''}
            onClick={() => void send('validation_only')}
          >
            Validate
          </button>
          <button type="button" disabled={busy || spec.trim() === ''} onClick={() => void send('dry_run')}>
            Dry run
          </button>
          <button type="submit" className="primary" disabled={busy || spec.trim() === '' || usesLocalFiles}>
            Submit
          </button>
        </div>
      </form>
    </div>
  );
}
