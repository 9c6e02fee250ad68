// Fetches JSON for a page and, while `intervalMs` is set, refreshes it; polling pauses while the tab is hidden.
import { useCallback, useEffect, useRef, useState } from 'react';
import { apiJson } from './client.js';
import type { Query } from './client.js';

export interface Resource<T> {
  readonly data: T | undefined;
  readonly error: string | null;
  readonly loading: boolean;
  readonly reload: () => void;
}

export function useApi<T>(
  path: string | null,
  options: { query?: Query; intervalMs?: number | null } = {},
): Resource<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(path !== null);
  const [tick, setTick] = useState(0);
  const key = path === null ? null : `${path}|${JSON.stringify(options.query ?? {})}`;
  const lastKey = useRef<string | null>(null);
  const queryRef = useRef(options.query);
  queryRef.current = options.query;

  useEffect(() => {
    if (path === null) return;
    const abort = new AbortController();
    // A new address starts empty; a refresh of the same one keeps showing what it had.
    if (lastKey.current !== key) {
      setData(undefined);
      setLoading(true);
    }
    lastKey.current = key;
    apiJson<T>(path, { ...(queryRef.current ? { query: queryRef.current } : {}), signal: abort.signal })
      .then((value) => {
        setData(value);
        setError(null);
      })
      .catch((err: unknown) => {
        if (!abort.signal.aborted) setError(err instanceof Error ? err.message : String(err));
      })
      .finally(() => {
        if (!abort.signal.aborted) setLoading(false);
      });
    return () => abort.abort();
  }, [key, tick, path]);

  const interval = options.intervalMs ?? null;
  useEffect(() => {
    if (interval === null || path === null) return;
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') setTick((t) => t + 1);
    }, interval);
    return () => clearInterval(timer);
  }, [interval, path]);

  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { data, error, loading, reload };
}
