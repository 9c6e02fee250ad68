// Renders the Helm chart's templates without a helm binary (none can be installed here): a small
// interpreter for the subset of Go templates the chart keeps to, documented in deploy/helm/osmo/README.md.
// Anything outside the subset is an error, so a template cannot silently drift from what is checked.
import { stringify } from 'yaml';

type Value = unknown;
export type Scope = Readonly<Record<string, Value>>;

type Node =
  | { kind: 'text'; text: string }
  | { kind: 'action'; expr: string }
  | { kind: 'if'; expr: string; then: Node[]; otherwise: Node[] };

/** Thrown by the template's own `fail` and `required`, as helm stops rendering with that message. */
export class TemplateFailure extends Error {}

interface Action {
  expr: string;
}

/** Splits a template into text and actions, applying `{{-` and `-}}` whitespace trimming. */
function tokenize(source: string): (string | Action)[] {
  const out: (string | Action)[] = [];
  let rest = source;
  for (;;) {
    const open = rest.indexOf('{{');
    if (open < 0) {
      out.push(rest);
      return out;
    }
    const close = rest.indexOf('}}', open);
    if (close < 0) throw new Error('template: unclosed {{');
    let text = rest.slice(0, open);
    let inner = rest.slice(open + 2, close);
    if (inner.startsWith('-')) {
      text = text.replace(/\s+$/, '');
      inner = inner.slice(1);
    }
    let after = rest.slice(close + 2);
    if (inner.endsWith('-')) {
      after = after.replace(/^\s+/, '');
      inner = inner.slice(0, -1);
    }
    out.push(text);
    const expr = inner.trim();
    if (!(expr.startsWith('/*') && expr.endsWith('*/'))) out.push({ expr });
    rest = after;
  }
}

function parse(tokens: (string | Action)[]): Node[] {
  let at = 0;
  const block = (closers: readonly string[]): { nodes: Node[]; closer: string } => {
    const nodes: Node[] = [];
    while (at < tokens.length) {
      const token = tokens[at++]!;
      if (typeof token === 'string') {
        if (token !== '') nodes.push({ kind: 'text', text: token });
        continue;
      }
      if (closers.includes(token.expr)) return { nodes, closer: token.expr };
      if (token.expr.startsWith('if ')) {
        const then = block(['else', 'end']);
        const otherwise = then.closer === 'else' ? block(['end']).nodes : [];
        nodes.push({ kind: 'if', expr: token.expr.slice(3), then: then.nodes, otherwise });
      } else if (/^(else|end|range|with|define|template|block)\b/.test(token.expr)) {
        throw new Error(`template: "${token.expr}" is outside the chart's template subset or misplaced`);
      } else {
        nodes.push({ kind: 'action', expr: token.expr });
      }
    }
    if (closers.length > 0) throw new Error(`template: missing {{ end }}`);
    return { nodes, closer: '' };
  };
  return block([]).nodes;
}

/** Splits on a separator outside quotes and parentheses. */
function split(expr: string, separator: (c: string) => boolean): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let current = '';
  for (let i = 0; i < expr.length; i++) {
    const c = expr[i]!;
    if (quoted) {
      current += c;
      if (c === '\\') current += expr[++i] ?? '';
      else if (c === '"') quoted = false;
      continue;
    }
    if (c === '"') quoted = true;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    if (depth === 0 && separator(c)) {
      parts.push(current);
      current = '';
    } else {
      current += c;
    }
  }
  if (quoted || depth !== 0) throw new Error(`template: unbalanced quotes or parentheses in "${expr}"`);
  parts.push(current);
  return parts.map((p) => p.trim()).filter((p) => p !== '');
}

/** Go templates' truth: false, 0, nil and empty strings, lists and maps are false. */
export function truthy(value: Value): boolean {
  if (value === null || value === undefined || value === false || value === 0 || value === '') return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') return Object.keys(value).length > 0;
  return true;
}

function lookup(scope: Scope, path: string): Value {
  let value: Value = scope;
  for (const key of path.split('.').filter(Boolean)) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, Value>)[key];
  }
  return value;
}

function toYaml(value: Value): string {
  if (value === undefined || value === null) return 'null';
  return stringify(value, { lineWidth: 0 }).replace(/\n$/, '');
}

function indent(n: number, text: string): string {
  const pad = ' '.repeat(n);
  return text
    .split('\n')
    .map((line) => pad + line)
    .join('\n');
}

function text(value: Value): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value as string | number | boolean);
}

function numeric(value: Value, name: string): number {
  if (typeof value !== 'number') throw new Error(`template: ${name} wants numbers, got ${text(value)}`);
  return value;
}

const FUNCTIONS: Record<string, (args: Value[]) => Value> = {
  quote: ([v]) => JSON.stringify(text(v)),
  toYaml: ([v]) => toYaml(v),
  b64enc: ([v]) => Buffer.from(text(v), 'utf8').toString('base64'),
  indent: ([n, v]) => indent(numeric(n, 'indent'), text(v)),
  nindent: ([n, v]) => `\n${indent(numeric(n, 'nindent'), text(v))}`,
  default: ([fallback, v]) => (truthy(v) ? v : fallback),
  join: ([separator, list]) => (Array.isArray(list) ? list.map(text).join(text(separator)) : text(list)),
  required: ([message, v]) => {
    if (v === undefined || v === null || v === '') throw new TemplateFailure(text(message));
    return v;
  },
  fail: ([message]) => {
    throw new TemplateFailure(text(message));
  },
  // Helm reads numbers of values files as float64, which Go's comparisons refuse beside an int
  // literal: the chart compares through `int`, as sprig converts (a non-number is 0).
  int: ([v]) => {
    const n = Number(v);
    return Number.isFinite(n) ? Math.trunc(n) : 0;
  },
  not: ([v]) => !truthy(v),
  and: (args) => args.every(truthy),
  or: (args) => args.some(truthy),
  eq: ([a, b]) => a === b,
  ne: ([a, b]) => a !== b,
  gt: ([a, b]) => numeric(a, 'gt') > numeric(b, 'gt'),
  lt: ([a, b]) => numeric(a, 'lt') < numeric(b, 'lt'),
};

function operand(token: string, scope: Scope): Value {
  if (token.startsWith('(') && token.endsWith(')')) return pipeline(token.slice(1, -1), scope);
  if (token.startsWith('"')) return JSON.parse(token) as string;
  if (/^-?\d+$/.test(token)) return Number(token);
  if (token === 'true' || token === 'false') return token === 'true';
  if (token === '.') return scope;
  if (token.startsWith('.')) return lookup(scope, token);
  throw new Error(`template: "${token}" is not a value of the chart's template subset`);
}

function command(source: string, scope: Scope, piped: Value[]): Value {
  const [head, ...rest] = split(source, (c) => /\s/.test(c));
  if (head === undefined) throw new Error('template: empty command');
  // `and` and `or` stop at the first operand that decides, as Go's templates do.
  if ((head === 'and' || head === 'or') && piped.length === 0) {
    let last: Value = head === 'and';
    for (const token of rest) {
      last = operand(token, scope);
      if (truthy(last) !== (head === 'and')) return last;
    }
    return last;
  }
  const fn = FUNCTIONS[head];
  if (fn === undefined) {
    if (rest.length > 0 || piped.length > 0) throw new Error(`template: unknown function "${head}"`);
    return operand(head, scope);
  }
  return fn([...rest.map((t) => operand(t, scope)), ...piped]);
}

function pipeline(expr: string, scope: Scope): Value {
  const stages = split(expr, (c) => c === '|');
  let value: Value[] = [];
  for (const stage of stages) value = [command(stage, scope, value)];
  return value[0];
}

function evaluate(nodes: readonly Node[], scope: Scope): string {
  let out = '';
  for (const node of nodes) {
    if (node.kind === 'text') out += node.text;
    else if (node.kind === 'action') out += text(pipeline(node.expr, scope));
    else out += evaluate(truthy(pipeline(node.expr, scope)) ? node.then : node.otherwise, scope);
  }
  return out;
}

/** Renders one template with `.Values`, `.Release` and `.Chart` in scope. */
export function renderTemplate(source: string, scope: Scope): string {
  return evaluate(parse(tokenize(source)), scope);
}
