// Submission as `osmo workflow submit` makes it: a templated spec is rendered by a dry run first, then
// the rendered spec goes in with its template beside it, so `workflow spec --template` shows the original.
import { isTemplated } from '../../spec/template-values.js';
import type { QueryValue } from './rest-caller.js';
import type { ToolContext } from './tool-def.js';

export interface SpecSubmission {
  readonly pool: string;
  readonly spec: string;
  readonly set?: readonly string[] | undefined;
  readonly setString?: readonly string[] | undefined;
  readonly priority: string;
  readonly labels?: readonly string[] | undefined;
  readonly dryRun: boolean;
  readonly validationOnly?: boolean;
  /** `app_uuid` and `app_version` when an app is submitted. */
  readonly extraQuery?: Readonly<Record<string, QueryValue>>;
}

export async function submitSpec(ctx: ToolContext, req: SpecSubmission): Promise<unknown> {
  const path = `/api/pool/${encodeURIComponent(req.pool)}/workflow`;
  const common = {
    ...req.extraQuery,
    priority: req.priority,
    label: req.labels,
    validation_only: req.validationOnly ? true : undefined,
  };
  const body = (file: string, uploaded: string | null) => ({
    file,
    set_variables: req.set ?? [],
    set_string_variables: req.setString ?? [],
    uploaded_templated_spec: uploaded,
  });
  const templated = isTemplated(req.spec);
  if (req.validationOnly || (!templated && !req.dryRun)) {
    return ctx.rest.json({ method: 'POST', path, query: common, body: body(req.spec, null) });
  }
  const rendered = (await ctx.rest.json({
    method: 'POST',
    path,
    query: { ...common, dry_run: true },
    body: body(req.spec, null),
  })) as { spec?: string | null };
  if (req.dryRun) return rendered;
  return ctx.rest.json({
    method: 'POST',
    path,
    query: { ...common, dry_run: false },
    body: body(rendered.spec ?? req.spec, req.spec),
  });
}
