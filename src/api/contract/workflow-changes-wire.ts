// The server-sent events of `GET /api/workflow/<id>/changes`, shared by the service and the web UI.
// Each event says only that something moved; the page then reads the workflow over the REST API, so the
// stream never carries what the caller could not read there and never goes stale with the store.

/** Sent once the stream listens: anything written before it was opened is in the next read. */
export const CHANGES_READY = 'ready';
/** Something of the workflow was written: a status, a retry, a cancel, why it waits. */
export const CHANGES_CHANGED = 'changed';

export type WorkflowChangeEvent = typeof CHANGES_READY | typeof CHANGES_CHANGED;

/** The data line of every event: which workflow it is about. */
export interface WorkflowChangeData {
  readonly workflow: string;
}

/** Comment lines this often keep proxies and the browser from closing an idle stream; they cost no read. */
export const CHANGES_HEARTBEAT_MS = 25_000;

/** One event as the stream writes it (`event:` and `data:` lines, then a blank line). */
export function changeEventText(event: WorkflowChangeEvent, data: WorkflowChangeData): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}
