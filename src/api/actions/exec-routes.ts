// `POST /api/workflow/{name}/exec/task/{task}` and `.../exec/group/{group}`: a one-time EXEC key per
// running target task, answered as `{router_address, key, cookie}` (per task name for a group).
import { z } from 'zod';
import { userError } from '../../core/index.js';
import type { RouterResponse } from '../contract/exec-protocol.js';
import type { ApiDeps } from '../deps.js';
import { defineRoute, type AnyRoute } from '../route-table.js';
import type { ActionKeys } from './action-keys.js';
import { actionTargets, type ActionTargets } from './action-targets.js';
import type { ExecPayload } from './exec-session.js';
import { routerAddress } from './router-address.js';
import { shellWords } from './shell-words.js';
import { RouterKey, RouterKeysByTask } from '../contract/action-wire.js';

const EntryQuery = z.object({ entry_command: z.string().min(1).max(4096) });

function entryWords(entry: string): string[] {
  let words: string[];
  try {
    words = shellWords(entry);
  } catch (err) {
    throw userError(`Invalid entry command: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (words.length === 0) throw userError('The entry command is empty');
  return words;
}

export function execRoutes(deps: ApiDeps, keys: ActionKeys): AnyRoute[] {
  const supportsExec = (backend: ActionTargets['backend']): void => {
    if (backend.openTerminal === undefined) {
      throw userError(`The ${backend.kind} backend offers no exec`, 422);
    }
  };
  return [
    defineRoute({
      method: 'POST',
      url: '/api/workflow/:name/exec/task/:task_name',
      operationId: 'execTask',
      response: RouterKey,
      summary: 'Open an interactive session in a running task (one-time router key)',
      access: 'user',
      params: z.object({ name: z.string(), task_name: z.string() }),
      query: EntryQuery,
      handler: async ({ params, query, caller }): Promise<RouterResponse> => {
        const command = entryWords(query.entry_command);
        const { refs, backend } = await actionTargets(deps, caller, params.name, { task: params.task_name });
        supportsExec(backend);
        const payload: ExecPayload = { command };
        const grant = keys.issue('EXEC', caller?.user ?? '', refs[0] as (typeof refs)[number], payload);
        return { router_address: routerAddress(deps), key: grant.key, cookie: '' };
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/workflow/:name/exec/group/:group_name',
      operationId: 'execGroup',
      response: RouterKeysByTask,
      summary: 'Run a command in every running task of a group (one-time router key per task)',
      access: 'user',
      params: z.object({ name: z.string(), group_name: z.string() }),
      query: EntryQuery,
      handler: async ({ params, query, caller }): Promise<Record<string, RouterResponse>> => {
        const command = entryWords(query.entry_command);
        const { refs, backend } = await actionTargets(deps, caller, params.name, {
          group: params.group_name,
        });
        supportsExec(backend);
        const address = routerAddress(deps);
        const answer: Record<string, RouterResponse> = {};
        for (const ref of refs) {
          const grant = keys.issue('EXEC', caller?.user ?? '', ref, { command } satisfies ExecPayload);
          answer[ref.taskName] = { router_address: address, key: grant.key, cookie: '' };
        }
        return answer;
      },
    }),
  ];
}
