// Submitting a spec the way `osmo workflow submit` and `osmo app submit` do: one POST to the pool's workflow route.
import { apiJson } from './client.js';
import type { Query } from './client.js';
import type { SubmitResult } from './types.js';

export type SubmitMode = 'dry_run' | 'validation_only' | 'submit';

export interface SubmitRequest {
  readonly pool: string;
  readonly priority: string;
  /** The spec text; null resubmits the stored spec of `query.workflow_id` by reference. */
  readonly spec: string | null;
  /** `--set` values, `key=value` each. */
  readonly values: readonly string[];
  readonly mode: SubmitMode;
  /** Extra query parameters: `app_uuid`/`app_version`, `workflow_id`, `label`. */
  readonly query?: Query;
}

export function submitSpec(request: SubmitRequest): Promise<SubmitResult> {
  const body =
    request.spec === null
      ? request.values.length === 0
        ? undefined
        : { set_variables: request.values }
      : { file: request.spec, set_variables: request.values };
  return apiJson<SubmitResult>(`/api/pool/${encodeURIComponent(request.pool)}/workflow`, {
    method: 'POST',
    query: {
      priority: request.priority,
      ...(request.mode === 'submit' ? {} : { [request.mode]: true }),
      ...request.query,
    },
    ...(body === undefined ? {} : { body }),
  });
}

/** What a dry run or a validation answers, as text to show: the scheduling verdict, then the rendered spec. */
export function verdictText(mode: SubmitMode, result: SubmitResult): string {
  if (mode === 'validation_only') return result.logs ?? 'Valid.';
  const scheduling = typeof result.scheduling === 'string' ? result.scheduling : '';
  return `${scheduling}${scheduling === '' ? '' : '\n\n'}${result.spec ?? ''}`;
}

export const PRIORITY_HINT: Readonly<Record<string, string>> = {
  HIGH: 'counts against quota, starts first',
  NORMAL: 'counts against quota',
  LOW: 'uses free capacity beyond quota and may be preempted',
};
