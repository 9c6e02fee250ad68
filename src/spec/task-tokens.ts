// Run-time substitution of platform tokens into one task once the workflow ID exists.

import type { TaskSpec } from './types.js';

/** What the platform knows about a task when it substitutes tokens. */
export interface TokenContext {
  readonly workflowId: string;
  /** `{{output}}`, normally `/osmo/data/output`. */
  readonly outputPath: string;
  /** Directory of input `index`, normally `/osmo/data/input/<index>`. */
  readonly inputPath: (index: number) => string;
  /** DNS name of a task of the same group, or null when `{{host:task}}` must stay verbatim. */
  readonly hostOf: (taskName: string) => string | null;
}

export const DEFAULT_OUTPUT_PATH = '/osmo/data/output';
export const defaultInputPath = (index: number): string => `/osmo/data/input/${index}`;

// Spaces are tolerated inside the braces at this stage, though Jinja never lets them through.
const TOKEN = /\{\{\s*(workflow_id|output|input:[^}]+?|host:[^}]+?)\s*\}\}/g;

/** The token → value table for one task; unknown tokens are absent and so stay verbatim. */
export function taskTokenValues(task: TaskSpec, ctx: TokenContext): ReadonlyMap<string, string> {
  const values = new Map<string, string>([
    ['workflow_id', ctx.workflowId],
    ['output', ctx.outputPath],
  ]);
  task.inputs.forEach((input, index) => {
    values.set(`input:${index}`, ctx.inputPath(index));
    if (input.kind === 'task') {
      const name = input.task.includes(':') ? input.task.slice(input.task.indexOf(':') + 1) : input.task;
      if (!values.has(`input:${name}`)) values.set(`input:${name}`, ctx.inputPath(index));
    }
  });
  return values;
}

/** Replaces tokens in one string; `{{uuid}}` and unknown tokens are left as written. */
export function substituteText(text: string, values: ReadonlyMap<string, string>, ctx: TokenContext): string {
  return text.replace(TOKEN, (whole, key: string) => {
    if (key.startsWith('host:')) return ctx.hostOf(key.slice('host:'.length)) ?? whole;
    return values.get(key) ?? whole;
  });
}

function substituteDeep(value: unknown, replace: (text: string) => string): unknown {
  if (typeof value === 'string') return replace(value);
  if (Array.isArray(value)) return value.map((item) => substituteDeep(item, replace));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substituteDeep(v, replace)]));
  }
  return value;
}

/** Every string field of the task (command, args, env values, files, URLs, image…) gets its tokens replaced. */
export function substituteTaskTokens(task: TaskSpec, ctx: TokenContext): TaskSpec {
  const values = taskTokenValues(task, ctx);
  return substituteDeep(task, (text) => substituteText(text, values, ctx)) as TaskSpec;
}
