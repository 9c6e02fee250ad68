// Tells whoever watches a workflow (the UI's live stream, log followers) that something of it was written:
// a status, a retry, a node, a cancel. Listeners are pushed, so a watcher with nothing new costs nothing.
import { EventEmitter } from 'node:events';
import type { EngineContext, SchedulingState } from './context.js';

// Keyed by the scheduling state, the one object every copy of an engine's context shares (a
// transaction's copy replaces only the store), as the status tallies are.
const registry = new WeakMap<SchedulingState, EventEmitter>();

function emitterOf(ctx: Pick<EngineContext, 'scheduling'>): EventEmitter {
  let emitter = registry.get(ctx.scheduling);
  if (emitter === undefined) {
    // Any number of pages may watch one workflow.
    emitter = new EventEmitter().setMaxListeners(0);
    registry.set(ctx.scheduling, emitter);
  }
  return emitter;
}

/**
 * A write to the workflow landed (or is about to commit with its transaction): watchers should read it
 * again. A signal carries no state, so one sent a moment before the commit is only early, never wrong,
 * as long as a watcher reads after a short settle (see the stream route).
 */
export function workflowChanged(ctx: Pick<EngineContext, 'scheduling'>, workflowUuid: string): void {
  emitterOf(ctx).emit(workflowUuid);
}

/** Calls `listener` after each change of the workflow until the returned function is called. */
export function onWorkflowChange(
  ctx: Pick<EngineContext, 'scheduling'>,
  workflowUuid: string,
  listener: () => void,
): () => void {
  const emitter = emitterOf(ctx);
  emitter.on(workflowUuid, listener);
  return () => void emitter.off(workflowUuid, listener);
}

/** How many watchers a workflow has: for tests that check a closed stream lets go. */
export function workflowWatchers(ctx: Pick<EngineContext, 'scheduling'>, workflowUuid: string): number {
  return emitterOf(ctx).listenerCount(workflowUuid);
}
