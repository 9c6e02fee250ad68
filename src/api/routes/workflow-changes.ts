// A workflow's changes as server-sent events, and the live check log followers share: both subscribe to the
// engine's change signals, so a page left open on a workflow that does nothing costs the store no read.
import { PassThrough } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { onWorkflowChange } from '../../controller/workflow-changes.js';
import {
  CHANGES_CHANGED,
  CHANGES_HEARTBEAT_MS,
  CHANGES_READY,
  changeEventText,
} from '../contract/workflow-changes-wire.js';
import { Text } from '../contract/wire-registry.js';
import type { ApiDeps } from '../deps.js';
import type { RouteList } from '../route-table.js';
import { defineRoute } from '../route-table.js';
import { visibleWorkflow } from './visible-workflow.js';

/**
 * Signals within this window become one event, sent once it has passed: a report writes a task, its
 * group and its workflow in one transaction, and the page should read them once, after the commit.
 */
const SETTLE_MS = 250;
/**
 * A stream ends after this long and the page opens a new one with a fresh token: the caller was checked
 * when the stream opened, so a revoked session keeps at most this much of a stream that only says "changed".
 */
const MAX_STREAM_MS = 15 * 60_000;
/** Browsers wait this long before reconnecting an EventSource; fetch-based readers read it too. */
const RETRY_MS = 5000;

/**
 * The routes; `app` ends every open stream when it starts closing, since a stream that never ends on its
 * own would otherwise keep the service from stopping.
 */
export function workflowChangeRoutes(deps: ApiDeps, app: FastifyInstance): RouteList {
  const open = new Set<() => void>();
  app.addHook('preClose', async () => {
    for (const close of [...open]) close();
  });
  return [
    defineRoute({
      method: 'GET',
      url: '/api/workflow/:name/changes',
      operationId: 'streamWorkflowChanges',
      response: Text,
      summary:
        'Server-sent events telling that the workflow changed (read it again); no store read while it does not',
      access: 'user',
      produces: 'text/event-stream',
      params: z.object({ name: z.string() }),
      handler: async ({ params, caller, reply }) => {
        const w = await visibleWorkflow(deps, caller, params.name);
        const data = { workflow: w.workflowId };
        const out = new PassThrough();
        let settle: NodeJS.Timeout | null = null;
        const unsubscribe = onWorkflowChange(deps.ctx, w.workflowUuid, () => {
          settle ??= setTimeout(() => {
            settle = null;
            out.write(changeEventText(CHANGES_CHANGED, data));
          }, SETTLE_MS);
        });
        const heartbeat = setInterval(() => out.write(': keep-alive\n\n'), CHANGES_HEARTBEAT_MS);
        const close = (): void => {
          open.delete(close);
          unsubscribe();
          clearInterval(heartbeat);
          clearTimeout(expiry);
          if (settle !== null) clearTimeout(settle);
          out.end();
        };
        const expiry = setTimeout(close, MAX_STREAM_MS);
        open.add(close);
        reply.raw.once('close', close);
        out.write(`retry: ${RETRY_MS}\n\n${changeEventText(CHANGES_READY, data)}`);
        return reply
          .header('content-type', 'text/event-stream; charset=utf-8')
          .header('cache-control', 'no-cache, no-transform')
          .header('x-accel-buffering', 'no')
          .send(out);
      },
    }),
  ];
}

/** After a change, a follower keeps asking the store for this long: an ended workflow's last lines settle. */
const RECHECK_AFTER_CHANGE_MS = 3000;
/** A follower asks again at least this often even without a signal, in case a write was not signalled. */
const RECHECK_MS = 60_000;

/**
 * Whether a workflow's log may still grow, asked of the store only when its answer may have changed: at
 * the first check after a change signal (however late that check comes: a follower catching up on a long
 * log checks only once it has read it all), at every check for a short while after, and once a minute.
 * Between those a following `osmo workflow logs` or log tab costs no store read.
 */
export function liveWhileUnchanged(
  deps: ApiDeps,
  workflowUuid: string,
  signal: AbortSignal,
  now: () => number = Date.now,
): () => Promise<boolean> {
  let checkedAt = -Infinity;
  // Subscribing counts as a change: a workflow that ended just before it sends no further signal, yet
  // its log stays live for a moment (the engine's settle time, shorter than the recheck window).
  let changedAt = now();
  let changed = true;
  let live = false;
  const unsubscribe = onWorkflowChange(deps.ctx, workflowUuid, () => {
    changed = true;
    changedAt = now();
  });
  signal.addEventListener('abort', unsubscribe, { once: true });
  return async () => {
    const at = now();
    if (!changed && live && at - checkedAt < RECHECK_MS) return true;
    live = await deps.engine.isLogLive(workflowUuid);
    checkedAt = at;
    changed = at - changedAt <= RECHECK_AFTER_CHANGE_MS;
    return live;
  };
}
