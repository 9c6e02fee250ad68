// The workflow list's URL state (`f=field:value` chips, `all=true`, paging, order) and the API query it asks for.
import type { Priority, WorkflowStatus } from '../../src/core/statuses.js';
import { PRIORITIES, WORKFLOW_STATUSES } from '../../src/core/statuses.js';
import { STATUS_CATEGORIES, workflowStatusesIn } from './status.js';
import type { StatusCategory } from './status.js';

export const FILTER_FIELDS = [
  'name',
  'status',
  'user',
  'pool',
  'tag',
  'priority',
  'app',
  'submitted',
  'label',
] as const;
export type FilterField = (typeof FILTER_FIELDS)[number];

export interface Chip {
  readonly field: FilterField;
  readonly value: string;
}

export const PAGE_SIZE = 50;

/** Reads `field:value` chips, dropping unknown fields and empty values. */
export function parseChips(values: readonly string[]): Chip[] {
  const chips: Chip[] = [];
  for (const raw of values) {
    const at = raw.indexOf(':');
    if (at <= 0) continue;
    const field = raw.slice(0, at).trim().toLowerCase();
    const value = raw.slice(at + 1).trim();
    if (value === '' || !(FILTER_FIELDS as readonly string[]).includes(field)) continue;
    if (!chips.some((c) => c.field === field && c.value === value))
      chips.push({ field: field as FilterField, value });
  }
  return chips;
}

export const chipText = (chip: Chip): string => `${chip.field}:${chip.value}`;

/**
 * A status chip is a status name (any case) or, written in lower case, a category word: `failed` means
 * every FAILED_* status and `waiting` both PENDING and WAITING, while `WAITING` is that one status.
 */
export function statusesOf(value: string): WorkflowStatus[] {
  const text = value.trim();
  if ((STATUS_CATEGORIES as readonly string[]).includes(text))
    return workflowStatusesIn(text as StatusCategory);
  const word = text.toUpperCase().replace(/[\s-]+/g, '_');
  if ((WORKFLOW_STATUSES as readonly string[]).includes(word)) return [word as WorkflowStatus];
  return [];
}

/** `2026-05-01` is that whole UTC day; `2026-05-01..2026-05-03` spans days; a bound may be left open. */
export function submittedRange(value: string): { after?: string; before?: string } | null {
  const [from, to, ...rest] = value.split('..');
  if (rest.length > 0 || from === undefined) return null;
  const day = (text: string, end: boolean): string | null | undefined => {
    if (text.trim() === '') return undefined;
    const d = new Date(`${text.trim()}${/T/.test(text) ? '' : 'T00:00:00Z'}`);
    if (Number.isNaN(d.getTime())) return null;
    if (end && !/T/.test(text)) d.setUTCDate(d.getUTCDate() + 1);
    return d.toISOString();
  };
  const after = day(from, false);
  const before = day(to ?? from, true);
  if (after === null || before === null) return null;
  return { ...(after === undefined ? {} : { after }), ...(before === undefined ? {} : { before }) };
}

export interface ListUrlState {
  readonly chips: Chip[];
  readonly all: boolean;
  readonly offset: number;
  readonly order: 'ASC' | 'DESC';
}

export function readListUrl(params: URLSearchParams): ListUrlState {
  const offset = Number(params.get('offset') ?? 0);
  return {
    chips: parseChips(params.getAll('f')),
    all: params.get('all') === 'true',
    offset: Number.isInteger(offset) && offset > 0 ? offset : 0,
    order: params.get('order')?.toUpperCase() === 'ASC' ? 'ASC' : 'DESC',
  };
}

export function writeListUrl(state: ListUrlState): string {
  const params = new URLSearchParams();
  for (const chip of state.chips) params.append('f', chipText(chip));
  if (state.all) params.set('all', 'true');
  if (state.offset > 0) params.set('offset', String(state.offset));
  if (state.order === 'ASC') params.set('order', 'asc');
  const text = params.toString();
  return text === '' ? '/workflows' : `/workflows?${text}`;
}

export type ListQuery = Record<string, string | number | boolean | string[]>;

/**
 * The `GET /api/workflow` query for a list view. Same-field chips are OR'd (repeated keys), different
 * fields AND'd; without user chips or `all` the view is the caller's own work, as upstream's is.
 */
export function listQuery(state: ListUrlState, me: string): ListQuery {
  const of = (field: FilterField): string[] =>
    state.chips.filter((c) => c.field === field).map((c) => c.value);
  const query: ListQuery = { offset: state.offset, limit: PAGE_SIZE, order: state.order };
  const users = of('user');
  if (users.length > 0) query.users = users;
  else if (state.all) query.all_users = true;
  else query.users = [me];
  const statuses = [...new Set(of('status').flatMap(statusesOf))];
  if (statuses.length > 0) query.statuses = statuses;
  const pools = of('pool');
  if (pools.length > 0) query.pools = pools;
  // The service takes one name substring.
  const name = of('name')[0];
  if (name !== undefined) query.name = name;
  const tags = of('tag');
  if (tags.length > 0) query.tags = tags;
  const priorities = of('priority')
    .map((p) => p.toUpperCase())
    .filter((p): p is Priority => (PRIORITIES as readonly string[]).includes(p));
  if (priorities.length > 0) query.priority = priorities;
  const app = of('app')[0];
  if (app !== undefined) query.app = app;
  const labels = of('label');
  if (labels.length > 0) query.label = labels;
  const range = of('submitted')
    .map(submittedRange)
    .find((r) => r !== null);
  if (range?.after !== undefined) query.submitted_after = range.after;
  if (range?.before !== undefined) query.submitted_before = range.before;
  return query;
}
