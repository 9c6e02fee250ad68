// A plain-text answer of the service (events, a spec) shown as text or YAML, refreshed while it can change.
import { useEffect, useState } from 'react';
import { apiText } from '../api/client.js';
import { YamlEditor } from './yaml-editor.js';

export function TextPanel({
  url,
  intervalMs,
  version = 0,
  empty,
  label,
  yaml = false,
}: {
  url: string;
  intervalMs: number | null;
  /** Read again whenever this moves (the workflow's change stream pushed something). */
  version?: number;
  empty: string;
  label: string;
  /** Shown in a read-only YAML view (highlighted, searchable) instead of plain text. */
  yaml?: boolean;
}) {
  const [text, setText] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const abort = new AbortController();
    apiText(url, { signal: abort.signal })
      .then((t) => {
        setText(t);
        setError(null);
      })
      .catch((err: unknown) => {
        if (!abort.signal.aborted) setError(err instanceof Error ? err.message : String(err));
      });
    return () => abort.abort();
  }, [url, tick, version]);
  useEffect(() => {
    if (intervalMs === null) return;
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') setTick((t) => t + 1);
    }, intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  useEffect(() => setText(null), [url]);
  if (error !== null) return <p className="error">{error}</p>;
  if (text === null) return <p className="muted">Loading…</p>;
  return (
    <div className="text-panel">
      <div className="toolbar">
        <button type="button" onClick={() => void navigator.clipboard?.writeText(text)}>
          Copy
        </button>
      </div>
      {yaml && text.trim() !== '' ? (
        <YamlEditor label={label} value={text} />
      ) : (
        <pre aria-label={label}>{text.trim() === '' ? empty : text}</pre>
      )}
    </div>
  );
}
