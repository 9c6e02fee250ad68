// Workflow labels: Kubernetes key/value syntax, the 16-label cap and `--label` overrides.

import { usageError } from '../core/errors.js';
import { PyFloat } from './py-float.js';

export const MAX_LABELS = 16;
const NAME_SEGMENT = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

export function checkLabelKey(key: string): void {
  const parts = key.split('/');
  if (parts.length > 2) throw usageError(`Workflow label key "${key}" is not a valid Kubernetes label key.`);
  const name = parts.length === 2 ? (parts[1] ?? '') : key;
  if (parts.length === 2) {
    const prefix = parts[0] ?? '';
    if (prefix.length === 0 || prefix.length > 253 || !prefix.split('.').every((l) => DNS_LABEL.test(l))) {
      throw usageError(`Workflow label key "${key}" has an invalid DNS prefix.`);
    }
  }
  if (!NAME_SEGMENT.test(name)) throw usageError(`Workflow label key "${key}" has an invalid name segment.`);
}

export function checkLabelValue(value: string): void {
  if (!NAME_SEGMENT.test(value)) {
    throw usageError(`Workflow label value "${value}" is not a valid non-empty Kubernetes label value.`);
  }
}

/** Validates the spec's `labels` and applies `--label key=value` overrides. Throws OsmoError(USAGE). */
export function resolveLabels(raw: unknown, overrides: readonly string[]): Record<string, string> {
  const labels: Record<string, string> = {};
  if (raw !== undefined && raw !== null) {
    if (typeof raw !== 'object' || Array.isArray(raw) || raw instanceof Date || raw instanceof PyFloat) {
      throw usageError('Workflow labels must be a map of string keys to string values.');
    }
    for (const [key, value] of Object.entries(raw)) {
      if (typeof value !== 'string') throw usageError('Workflow label values must be strings.');
      labels[key] = value;
    }
  }
  for (const item of overrides) {
    const at = item.indexOf('=');
    if (at < 0) throw usageError('Workflow labels must use key=value format.');
    labels[item.slice(0, at)] = item.slice(at + 1);
  }
  if (Object.keys(labels).length > MAX_LABELS)
    throw usageError(`Workflows can have at most ${MAX_LABELS} labels.`);
  for (const [key, value] of Object.entries(labels)) {
    checkLabelKey(key);
    checkLabelValue(value);
  }
  return labels;
}
