// `--watch --logs`: follows a workflow's log stream beside the status lines, whole lines at a time.
import type { CliDeps } from '../../cli-deps.js';
import type { OsmoClient } from '../../client/osmo-client.js';
import { openSession } from '../../client/session.js';

/** How long the last read may take once the workflow has finished, before it is cut off. */
const DRAIN_TIMEOUT_MS = 10_000;
/** A stream ends at once while no task has started; it is opened again after this pause. */
const REOPEN_INTERVAL_MS = 1_000;

export interface LogFollower {
  /** Call once the workflow has finished: reads what is left, then closes the stream. */
  stop(): Promise<void>;
}

/**
 * Streams `api/workflow/<id>/logs` and hands complete lines to `print`, so log and status lines never
 * interleave mid-line. The service ends a stream while the workflow is not running yet, so it is
 * reopened, skipping the lines already printed, until one read starts after the workflow finished.
 * A failing stream is reported once and watching goes on without it.
 */
export function followLogs(workflowId: string, deps: CliDeps, print: (line: string) => void): LogFollower {
  const abort = new AbortController();
  const path = `api/workflow/${encodeURIComponent(workflowId)}/logs`;
  let printed = 0;
  let finished = false;
  let wake: () => void = () => undefined;

  const readOnce = async (client: OsmoClient, isLast: boolean): Promise<void> => {
    let index = 0;
    let pending = '';
    const emit = (line: string): void => {
      if (index++ < printed) return;
      printed++;
      print(line);
    };
    await client.stream(path, {}, (text) => {
      const lines = (pending + text).split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) emit(line);
    });
    // A last line without its newline is whole only when nothing more can come.
    if (isLast && pending !== '') emit(pending);
  };

  const followed = (async () => {
    const client = await openSession({ ...deps, signal: AbortSignal.any([deps.signal, abort.signal]) });
    for (;;) {
      const isLast = finished;
      await readOnce(client, isLast);
      if (isLast) return;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, REOPEN_INTERVAL_MS);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  })().catch((err: unknown) => {
    if (!abort.signal.aborted && !deps.signal.aborted) {
      print(`(log stream stopped: ${err instanceof Error ? err.message.trim() : String(err)})`);
    }
  });

  return {
    async stop() {
      finished = true;
      wake();
      let timer: NodeJS.Timeout | undefined;
      const cutOff = new Promise<void>((resolve) => (timer = setTimeout(resolve, DRAIN_TIMEOUT_MS)));
      await Promise.race([followed, cutOff]);
      clearTimeout(timer);
      abort.abort();
      await followed;
    },
  };
}
