// A live log: streams the service's plain-text log, follows the end, searches, and draws only the lines in view
// (TanStack Virtual), so a log of 100,000 lines scrolls as smoothly as one of ten.
import { useEffect, useMemo, useRef, useState } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { apiStream } from '../api/client.js';
import { appendLines, splitChunk } from '../log-lines.js';

const LINE_HEIGHT = 18;
const OVERSCAN = 30;

export function LogView({
  url,
  title,
  initialSearch = '',
  onSearchChange,
}: {
  url: string;
  title: string;
  /** Where the search starts (a shared link's filter); changes are reported to keep the link current. */
  initialSearch?: string;
  onSearchChange?: (search: string) => void;
}) {
  // The lines live in a ref and a counter re-renders: a batch appends in place instead of copying them all.
  const lines = useRef<string[]>([]);
  const [count, setCount] = useState(0);
  const [state, setState] = useState<'streaming' | 'ended' | 'error'>('streaming');
  const [error, setError] = useState<string | null>(null);
  const [search, setSearch] = useState(initialSearch);
  const [follow, setFollow] = useState(true);
  const [attempt, setAttempt] = useState(0);
  const box = useRef<HTMLDivElement>(null);
  /** Where following last put the view: a scroll event at or below it is ours, not the reader's. */
  const pinnedTop = useRef(0);

  useEffect(() => {
    const abort = new AbortController();
    let partial = '';
    let pending: string[] = [];
    let frame = 0;
    lines.current = [];
    setCount(0);
    setState('streaming');
    setError(null);
    // Many small chunks become one render per animation frame.
    const flush = (): void => {
      frame = 0;
      appendLines(lines.current, pending);
      pending = [];
      setCount((c) => c + 1);
    };
    apiStream(
      url,
      (text) => {
        const split = splitChunk(partial, text);
        partial = split.partial;
        pending.push(...split.lines);
        if (frame === 0) frame = requestAnimationFrame(flush);
      },
      abort.signal,
    )
      .then(() => {
        if (partial !== '') pending.push(...splitChunk(partial, '\n').lines);
        if (frame !== 0) cancelAnimationFrame(frame);
        flush();
        setState('ended');
      })
      .catch((err: unknown) => {
        if (abort.signal.aborted) return;
        setError(err instanceof Error ? err.message : String(err));
        setState('error');
      });
    return () => {
      abort.abort();
      if (frame !== 0) cancelAnimationFrame(frame);
    };
  }, [url, attempt]);

  const total = lines.current.length;
  const shown = useMemo(() => {
    const term = search.trim().toLowerCase();
    const all = lines.current;
    return term === '' ? all : all.filter((l) => l.toLowerCase().includes(term));
    // `count` moves whenever the lines (appended in place) do.
  }, [count, search]);

  const rows = useVirtualizer({
    count: shown.length,
    getScrollElement: () => box.current,
    estimateSize: () => LINE_HEIGHT,
    overscan: OVERSCAN,
  });

  useEffect(() => {
    const el = box.current;
    if (!el || !follow) return;
    el.scrollTop = el.scrollHeight;
    pinnedTop.current = el.scrollTop;
  }, [count, search, follow]);

  const onScroll = (): void => {
    const el = box.current;
    if (!el) return;
    if (follow) {
      // Lines that arrived between following's scroll and this event grew the log under it: still
      // following, so to the end again. Only a scroll above where following put the view is the reader's.
      if (el.scrollTop >= pinnedTop.current - 1) {
        el.scrollTop = el.scrollHeight;
        pinnedTop.current = el.scrollTop;
        return;
      }
      setFollow(false);
      return;
    }
    // Scrolling back to the end resumes following.
    if (el.scrollHeight - el.scrollTop - el.clientHeight < LINE_HEIGHT * 2) setFollow(true);
  };

  const download = (): void => {
    const blob = new Blob([lines.current.join('\n')], { type: 'text/plain' });
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = `${title}.log`;
    a.click();
    URL.revokeObjectURL(a.href);
  };

  return (
    <div className="log-view">
      <div className="toolbar">
        <input
          type="search"
          placeholder="Search the log"
          aria-label="Search the log"
          value={search}
          onChange={(e) => {
            setSearch(e.target.value);
            onSearchChange?.(e.target.value);
          }}
        />
        <label>
          <input type="checkbox" checked={follow} onChange={(e) => setFollow(e.target.checked)} /> Follow
        </label>
        <span className="muted" data-testid="log-state">
          {search.trim() === '' ? `${total} lines` : `${shown.length} of ${total} lines`}
          {state === 'streaming' ? ' · live' : state === 'ended' ? ' · complete' : ''}
        </span>
        <button type="button" onClick={download} disabled={total === 0}>
          Download
        </button>
        {state !== 'streaming' ? (
          <button type="button" onClick={() => setAttempt((a) => a + 1)}>
            Reload
          </button>
        ) : null}
      </div>
      {error !== null ? <p className="error">{error}</p> : null}
      <div className="log-lines" ref={box} onScroll={onScroll} role="log" aria-label={`Log of ${title}`}>
        <div style={{ height: rows.getTotalSize(), position: 'relative' }}>
          {rows.getVirtualItems().map((row) => {
            const line = shown[row.index] ?? '';
            return (
              <div
                key={row.key}
                className="log-line"
                data-line={row.index}
                style={{ transform: `translateY(${row.start}px)` }}
              >
                {line === '' ? ' ' : line}
              </div>
            );
          })}
        </div>
        {total === 0 && state === 'ended' ? <p className="muted">No log lines.</p> : null}
      </div>
    </div>
  );
}
