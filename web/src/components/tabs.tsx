// Tabs whose selection lives in one URL parameter, so a tab is part of a shareable link.
import { navigate, useLocation, withParams } from '../router.js';

export function Tabs<T extends string>({
  param,
  tabs,
  current,
  fallback,
}: {
  param: string;
  tabs: readonly (readonly [T, string])[];
  current: T;
  fallback: T;
}) {
  const location = useLocation();
  return (
    <div className="tabs" role="tablist">
      {tabs.map(([id, label]) => (
        <button
          key={id}
          type="button"
          role="tab"
          aria-selected={current === id}
          className={current === id ? 'active' : ''}
          onClick={() =>
            navigate(withParams(location, { [param]: id === fallback ? null : id }), { replace: true })
          }
        >
          {label}
        </button>
      ))}
    </div>
  );
}

export function pickTab<T extends string>(
  value: string | null,
  tabs: readonly (readonly [T, string])[],
  fallback: T,
): T {
  return tabs.some(([id]) => id === value) ? (value as T) : fallback;
}
