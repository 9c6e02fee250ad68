// Listens to a workflow's change stream while it is live and calls `onChange` on each push; falls back to
// slow polling (the caller's, by the returned mode) while the stream is down and reconnects with back-off.
import { useEffect, useRef, useState } from 'react';
import { CHANGES_CHANGED, CHANGES_READY } from '../../../src/api/contract/workflow-changes-wire.js';
import { reconnectDelayMs } from '../live-refresh.js';
import type { LiveMode } from '../live-refresh.js';
import { sseParser } from '../sse.js';
import { apiStream } from './client.js';

export function useWorkflowChanges(workflowId: string, live: boolean, onChange: () => void): LiveMode {
  const [mode, setMode] = useState<LiveMode>('connecting');
  const callback = useRef(onChange);
  callback.current = onChange;
  useEffect(() => {
    if (!live) return;
    const abort = new AbortController();
    let failures = 0;
    let timer = 0;
    const connect = (): void => {
      let opened = false;
      const parse = sseParser(({ event }) => {
        // `ready` closes the gap between the page's first read and the stream's opening.
        if (event === CHANGES_READY) {
          opened = true;
          failures = 0;
          setMode('streaming');
        }
        if (event === CHANGES_READY || event === CHANGES_CHANGED) callback.current();
      });
      apiStream(`/api/workflow/${encodeURIComponent(workflowId)}/changes`, parse, abort.signal)
        // The service ends a stream after a while so the next one carries a fresh token: open it again now.
        // One that ended before it opened is a failure, so a broken proxy cannot make the page reconnect in a loop.
        .then(() => {
          if (abort.signal.aborted) return;
          if (opened) return connect();
          throw new Error('the change stream ended before it opened');
        })
        .catch(() => {
          if (abort.signal.aborted) return;
          failures += 1;
          setMode('polling');
          timer = window.setTimeout(connect, reconnectDelayMs(failures));
        });
    };
    setMode('connecting');
    connect();
    return () => {
      abort.abort();
      window.clearTimeout(timer);
    };
  }, [workflowId, live]);
  return mode;
}
