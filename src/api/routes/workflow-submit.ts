// Submit and restart.
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { isFailed, isWorkflowFinished, PRIORITIES, submissionError, userError } from '../../core/index.js';
import { restartWorkflow } from '../../controller/restart.js';
import type { SubmitOutcome } from '../../controller/submit.js';
import { submitWorkflow } from '../../controller/submit.js';
import { flag, repeated } from '../contract/query-values.js';
import { assertCanUsePool } from '../auth/pool-access.js';
import { backendLookup, workflowDashboardUrl } from '../contract/backend-links.js';
import type { ApiDeps } from '../deps.js';
import type { RouteList } from '../route-table.js';
import { defineRoute } from '../route-table.js';
import { submittedApp } from './app-access.js';
import { visibleWorkflow } from './visible-workflow.js';
import { SubmitResponse } from '../contract/workflow-wire.js';

/** Specs larger than this are refused before any parsing (the service never buffers unbounded input). */
export const MAX_SPEC_BYTES = 1024 * 1024;

const MAX_SET_CHARS = 65536;
const SET_TOO_LONG = `A --set value may be at most ${MAX_SET_CHARS} characters.`;

const SubmitQuery = z.object({
  workflow_id: z.string().optional(),
  app_uuid: z.string().optional(),
  app_version: z.coerce.number().int().optional(),
  dry_run: flag.default(false),
  validation_only: flag.default(false),
  priority: z
    .string()
    .transform((s) => s.toUpperCase())
    .pipe(z.enum(PRIORITIES))
    .default('NORMAL'),
  env_vars: repeated,
  label: repeated,
});

const TemplateSpec = z
  .object({
    file: z
      .string()
      .max(MAX_SPEC_BYTES, `The workflow spec is larger than ${MAX_SPEC_BYTES} bytes.`)
      .nullish(),
    set_variables: z.array(z.string().max(MAX_SET_CHARS, SET_TOO_LONG)).nullish(),
    set_string_variables: z.array(z.string().max(MAX_SET_CHARS, SET_TOO_LONG)).nullish(),
    uploaded_templated_spec: z.string().max(MAX_SPEC_BYTES).nullish(),
  })
  .nullish();

/** How much spec a request brings, before its body is read: a client retrying at once on 429 costs no parse. */
export const contentLength = (request: FastifyRequest): number =>
  Number(request.headers['content-length'] ?? 0) || 0;

export function workflowSubmitRoutes(deps: ApiDeps): RouteList {
  const response = (outcome: SubmitOutcome): SubmitResponse => {
    if (outcome.kind === 'dry-run') {
      // `scheduling` is ours: whether the spec would start now, wait, or never fit.
      return { name: outcome.name, spec: outcome.spec, warnings: [], scheduling: outcome.scheduling };
    }
    if (outcome.kind === 'validated') {
      return { name: outcome.name, logs: 'Workflow validation succeeded.', warnings: [] };
    }
    const id = outcome.workflow.workflowId;
    return {
      name: id,
      overview: `${deps.baseUrl}/workflows/${id}`,
      logs: `${deps.baseUrl}/api/workflow/${id}/logs`,
      spec: null,
      dashboard_url: workflowDashboardUrl(
        backendLookup(deps.ctx.config.current())(outcome.workflow),
        outcome.workflow.workflowUuid,
      ),
      warnings: [],
    };
  };
  return [
    defineRoute({
      method: 'POST',
      url: '/api/pool/:pool_name/workflow',
      operationId: 'submitWorkflow',
      response: SubmitResponse,
      summary: 'Submit a workflow spec, or resubmit a stored one by workflow id',
      access: 'user',
      admit: (request) => deps.ctx.specs.assertRoom(contentLength(request)),
      params: z.object({ pool_name: z.string() }),
      query: SubmitQuery,
      body: TemplateSpec,
      handler: async ({ params, query, body, caller }) => {
        assertCanUsePool(caller, params.pool_name, deps.ctx.config.current().roles);
        const user = caller?.user ?? '';
        let text = body?.file ?? null;
        if (text && query.workflow_id) {
          throw userError('Either file contents or workflow ID can be provided, but not both.');
        }
        if (!text && query.workflow_id) {
          text = (await visibleWorkflow(deps, caller, query.workflow_id)).specText;
        }
        if (!text) throw userError('Need to provide either file contents or workflow ID.');
        const app = await submittedApp(deps.store, query.app_uuid, query.app_version);
        const outcome = await submitWorkflow(deps.ctx, {
          pool: params.pool_name,
          user,
          text,
          set: body?.set_variables ?? [],
          setString: body?.set_string_variables ?? [],
          envVars: query.env_vars,
          labels: query.label,
          priority: query.priority,
          dryRun: query.dry_run,
          validationOnly: query.validation_only,
          uploadedTemplatedSpec: body?.uploaded_templated_spec ?? null,
          parent: null,
          app,
        });
        if (outcome.kind === 'submitted') deps.engine.touch(outcome.workflow.workflowUuid);
        return response(outcome);
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/pool/:pool_name/workflow/:workflow_id/restart',
      operationId: 'restartWorkflow',
      response: SubmitResponse,
      summary: 'Restart a failed workflow: its failed groups, or the named ones and downstream, run again',
      access: 'user',
      params: z.object({ pool_name: z.string(), workflow_id: z.string() }),
      // Ours: upstream's restart takes no parameters and always re-runs every group that did not complete.
      query: z.object({ group: repeated, failed_only: flag.default(false) }),
      handler: async ({ params, query, caller }) => {
        assertCanUsePool(caller, params.pool_name, deps.ctx.config.current().roles);
        const source = await visibleWorkflow(deps, caller, params.workflow_id);
        if (!isFailed(source.status)) {
          // Upstream's words, plus what to do when the workflow is still on its way.
          const hint = isWorkflowFinished(source.status) ? '' : '; wait for it to finish, or cancel it first';
          throw submissionError(
            `Restart can only be used on FAILED workflows: Workflow ${source.workflowId} has status ${source.status}${hint}`,
          );
        }
        const workflow = await restartWorkflow(deps.ctx, source, params.pool_name, caller?.user ?? '', {
          groups: query.group,
          failedOnly: query.failed_only,
        });
        deps.engine.touch(workflow.workflowUuid);
        return response({ kind: 'submitted', workflow });
      },
    }),
  ];
}
