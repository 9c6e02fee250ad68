// Cheap limits checked before the expensive stages, so an oversized spec is refused for the price of a scan.

import { CST, Parser } from 'yaml';
import { usageError } from '../core/errors.js';

/** Jinja may expand a template up to its own output cap; YAML past this size costs seconds, not milliseconds. */
export const MAX_RENDERED_SPEC_CHARS = 2 * 1024 * 1024;
/** Real specs nest under 15 levels; YAML's parser recurses once per level and fails near a thousand. */
export const MAX_NESTING_DEPTH = 100;

const YAML_PREFIX = 'Workflow spec is not properly formatted: ';

export function checkRenderedSize(rendered: string): void {
  if (rendered.length > MAX_RENDERED_SPEC_CHARS) {
    throw usageError(`The rendered workflow spec is larger than ${MAX_RENDERED_SPEC_CHARS} characters.`);
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The task limit, counted on the loaded document before the schema and the topology run over every task. */
export function checkTaskCount(document: unknown, maxTasks: number): void {
  const workflow = isRecord(document) ? document['workflow'] : undefined;
  if (!isRecord(workflow)) return;
  let count = Array.isArray(workflow['tasks']) ? workflow['tasks'].length : 0;
  const groups = workflow['groups'];
  if (Array.isArray(groups)) {
    for (const group of groups) {
      if (isRecord(group) && Array.isArray(group['tasks'])) count += group['tasks'].length;
    }
  }
  if (count > maxTasks) throw usageError(`Workflow cannot have more than ${maxTasks} tasks.`);
}

/** Below this size a spec parses in milliseconds: the full parse counts its tasks soon enough. */
const EARLY_COUNT_MIN_CHARS = 64 * 1024;

/**
 * The task limit counted on YAML's syntax tree, before the document is built: building it is the
 * expensive half of a parse, and a 14,000-task spec would pay it only to be refused. Counts what the
 * tree shows for certain (block or flow lists under plain `workflow`, `tasks` and `groups` keys); a
 * spec written another way (aliases, merge keys, tags) is left to checkTaskCount after the parse.
 */
export function checkTaskCountEarly(text: string, maxTasks: number): void {
  if (text.length < EARLY_COUNT_MIN_CHARS) return;
  let count = 0;
  for (const token of new Parser().parse(text)) {
    if (token.type !== 'document') continue;
    const workflow = valueOfKey(token.value, 'workflow');
    count = itemsOf(valueOfKey(workflow, 'tasks')).length;
    for (const group of itemsOf(valueOfKey(workflow, 'groups')))
      count += itemsOf(valueOfKey(group.value ?? undefined, 'tasks')).length;
    break; // only the first document is the spec
  }
  if (count > maxTasks) throw usageError(`Workflow cannot have more than ${maxTasks} tasks.`);
}

type CollectionItem = CST.BlockMap['items'][number] | CST.FlowCollection['items'][number];

/** The entries of a block or flow collection token; none for anything else. */
function itemsOf(token: CST.Token | undefined): readonly CollectionItem[] {
  if (token === undefined) return [];
  if (token.type === 'block-map' || token.type === 'block-seq') return token.items;
  if (token.type === 'flow-collection') return token.items.filter((i) => i.key != null || i.value != null);
  return [];
}

/** The value under a plain key of a mapping token; the last one wins, as the parse has it. */
function valueOfKey(token: CST.Token | undefined, key: string): CST.Token | undefined {
  if (token === undefined || (token.type !== 'block-map' && token.type !== 'flow-collection'))
    return undefined;
  let found: CST.Token | undefined;
  for (const item of token.items) {
    if (item.key == null || item.key.type !== 'scalar') continue;
    if (CST.resolveAsScalar(item.key)?.value === key) found = item.value ?? undefined;
  }
  return found;
}

const BLOCK_SCALAR_HEADER = /(?:^|[\s:-])[|>][-+0-9]*\s*(?:#.*)?$/;

const tooDeep = (row: number, column: number) =>
  usageError(
    `${YAML_PREFIX}the spec nests deeper than ${MAX_NESTING_DEPTH} levels at line ${row + 1}, column ${column + 1}`,
  );

/**
 * Refuses YAML text that nests deeper than MAX_NESTING_DEPTH, counting indentation levels, `- ` items
 * and flow brackets in one linear pass, long before the parser would recurse that deep. Quoted
 * scalars and block scalar contents (scripts) are skipped; a miscount only ever errs towards the
 * parser, which still has the last word.
 */
export function checkNestingDepth(text: string): void {
  const indents: number[] = [];
  let flow = 0;
  let quote: '"' | "'" | null = null;
  let blockScalarIndent: number | null = null;
  const lines = text.split('\n');
  for (let row = 0; row < lines.length; row++) {
    const line = lines[row] ?? '';
    const content = line.trimStart();
    const indent = line.length - content.length;
    const blank = content.trim() === '' || content.startsWith('#');
    if (blockScalarIndent !== null) {
      if (blank || indent > blockScalarIndent) continue;
      blockScalarIndent = null;
    }
    if (blank && quote === null) continue;
    let column = 0;
    let items = 0;
    if (quote === null && flow === 0) {
      while (indents.length > 0 && (indents[indents.length - 1] ?? 0) >= indent) indents.pop();
      indents.push(indent);
      column = indent;
      while (line.startsWith('- ', column)) {
        items += 1;
        column += 2;
        while (line[column] === ' ') column += 1;
      }
    }
    // A scalar or collection can start here: after indentation, `- `, `: `, and flow indicators.
    let valueStart = quote === null;
    for (; column < line.length; column++) {
      const c = line[column];
      if (quote !== null) {
        if (c === '\\' && quote === '"') column += 1;
        else if (c === "'" && quote === "'" && line[column + 1] === "'") column += 1;
        else if (c === quote) quote = null;
        continue;
      }
      if (c === ' ' || c === '\t') continue;
      if (c === '#' && (line[column - 1] === ' ' || line[column - 1] === '\t')) break;
      const inFlow = flow > 0;
      if ((c === '"' || c === "'") && valueStart) {
        quote = c;
        valueStart = false;
        continue;
      }
      if ((c === '[' || c === '{') && (valueStart || inFlow)) flow += 1;
      else if ((c === ']' || c === '}') && inFlow) flow -= 1;
      if (indents.length + items + flow > MAX_NESTING_DEPTH) throw tooDeep(row, column);
      const next = line[column + 1];
      valueStart =
        flow > 0
          ? c === '[' || c === '{' || c === ',' || c === ':'
          : (c === ':' || c === '-') && (next === ' ' || next === undefined);
    }
    if (indents.length + items + flow > MAX_NESTING_DEPTH) throw tooDeep(row, 0);
    if (quote === null && flow === 0 && BLOCK_SCALAR_HEADER.test(line)) blockScalarIndent = indent;
  }
}
