// Section split + default-values + sandboxed Jinja: spec text in, rendered workflow text out.

import { usageError } from '../core/errors.js';
import { renderJinja } from './jinja-sandbox.js';
import { sectionStartLine, splitSections } from './sections.js';
import { parseTemplateValues } from './template-values.js';
import type { TemplateValue } from './template-values.js';
import { shieldTemplate } from './token-shield.js';
import { loadYaml } from './yaml-dialect.js';

/** `--set` and `--set-string` items exactly as sent on the wire (`key=value`). */
export interface TemplateValues {
  readonly set: readonly string[];
  readonly setString: readonly string[];
}

function isPlainObject(value: unknown): value is Record<string, TemplateValue> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

function defaultValues(section: string | undefined): Record<string, TemplateValue> {
  if (section === undefined) return {};
  const parsed = loadYaml(section, 'default-values is not properly formatted: ');
  if (!isPlainObject(parsed)) return {};
  const inner = parsed['default-values'];
  if (inner === null || inner === undefined) return {};
  if (!isPlainObject(inner))
    throw usageError('Top-level key "default-values" must be a mapping of variable names to values.');
  return inner;
}

/**
 * Renders the `workflow:` section with `default-values` < `--set` < `--set-string`.
 * Returns the rendered text (still YAML text, special tokens intact). Throws OsmoError(USAGE/SUBMISSION).
 */
export function renderWorkflowText(text: string, values: TemplateValues): string {
  const sections = splitSections(text);
  const variables = {
    ...defaultValues(sections['default-values']),
    ...parseTemplateValues(values.set, values.setString),
  };
  const shielded = shieldTemplate(sections.workflow ?? '');
  return renderJinja(
    shielded.template,
    { ...variables, ...shielded.literals },
    sectionStartLine(text, 'workflow'),
  );
}
