// The pieces every submit form shows: pool and priority pickers (with what each priority means for
// quota), the `--set` values, and the answer.
import { PRIORITY_HINT } from '../api/submit.js';
import { useMe } from '../me.js';

export function PoolPriority({
  pool,
  priority,
  onPool,
  onPriority,
}: {
  pool: string;
  priority: string;
  onPool: (pool: string) => void;
  onPriority: (priority: string) => void;
}) {
  const me = useMe();
  const pools = me.pools.length === 0 ? ['default'] : me.pools;
  return (
    <div className="form-row">
      <label>
        Pool{' '}
        <select aria-label="Pool" value={pool} onChange={(e) => onPool(e.target.value)}>
          {(pools.includes(pool) ? pools : [pool, ...pools]).map((p) => (
            <option key={p} value={p}>
              {p}
            </option>
          ))}
        </select>
      </label>
      <label>
        Priority{' '}
        <select aria-label="Priority" value={priority} onChange={(e) => onPriority(e.target.value)}>
          {Object.keys(PRIORITY_HINT).map((p) => (
            <option key={p} value={p}>
              {p}
            </option>
          ))}
        </select>
      </label>
      <span className="muted">{PRIORITY_HINT[priority]}</span>
    </div>
  );
}

/** The pool a new submission starts with: the profile's default, else the first one the user may use. */
export function useDefaultPool(): string {
  const me = useMe();
  return me.defaultPool ?? me.pools[0] ?? 'default';
}

/** The `--set` values every submit form takes, one `key=value` a line. */
export function SetValues({
  value,
  onChange,
  rows = 2,
}: {
  value: string;
  onChange: (value: string) => void;
  rows?: number;
}) {
  return (
    <label>
      Values (--set), one key=value a line
      <textarea
        aria-label="Set values"
        className="code"
        rows={rows}
        value={value}
        onChange={(e) => onChange(e.target.value)}
      />
    </label>
  );
}

/** What the service answered a submit form: its error, or the dry run's verdict. */
export function SubmitAnswer({ error, verdict }: { error: string | null; verdict: string | null }) {
  return (
    <>
      {error !== null ? (
        <pre className="error" role="alert">
          {error}
        </pre>
      ) : null}
      {verdict !== null ? <pre className="verdict">{verdict}</pre> : null}
    </>
  );
}
