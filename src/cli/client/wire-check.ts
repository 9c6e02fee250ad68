// Checks a service answer against its wire schema without loading zod (a short command pays for every
// module it loads): the JSON Schemas that src/api/contract's zod schemas generate, in
// wire-schemas.generated.ts. It checks what the contract promises (types, required fields, items,
// enums, unions) and, as zod does on a parse, lets fields it does not know through.

/** A wire schema by its component id, typed with what its answers are. */
export interface WireRef<T> {
  readonly id: string;
  /** Carries `T` for the compiler only; never set. */
  readonly answer?: T;
}

export const wireRef = <T>(id: string): WireRef<T> => ({ id });

type Schema = Readonly<Record<string, unknown>>;
export type SchemaSet = Readonly<Record<string, Schema>>;

const REF = '#/components/schemas/';
const MAX_ISSUES = 5;

const typeOf = (v: unknown): string =>
  v === null
    ? 'null'
    : Array.isArray(v)
      ? 'array'
      : typeof v === 'number' && Number.isInteger(v)
        ? 'integer'
        : typeof v;

function typeMatches(expected: string, value: unknown): boolean {
  const actual = typeOf(value);
  return actual === expected || (expected === 'number' && actual === 'integer');
}

function check(schemas: SchemaSet, schema: Schema, value: unknown, path: string, issues: string[]): void {
  if (issues.length >= MAX_ISSUES) return;
  const at = path === '' ? '(answer)' : path;
  const ref = schema['$ref'];
  if (typeof ref === 'string') {
    const target = ref.startsWith(REF) ? schemas[ref.slice(REF.length)] : undefined;
    if (target === undefined) issues.push(`${at}: unknown schema ${ref}`);
    else check(schemas, target, value, path, issues);
    return;
  }
  const not = schema['not'];
  if (typeof not === 'object' && not !== null && Object.keys(not).length === 0) {
    issues.push(`${at}: no value is allowed here`);
    return;
  }
  for (const key of ['anyOf', 'oneOf'] as const) {
    const options = schema[key];
    if (!Array.isArray(options)) continue;
    const fits = options.some((o: Schema) => {
      const mine: string[] = [];
      check(schemas, o, value, path, mine);
      return mine.length === 0;
    });
    if (!fits) issues.push(`${at}: matches none of the allowed shapes`);
    return;
  }
  const allOf = schema['allOf'];
  if (Array.isArray(allOf)) for (const s of allOf as Schema[]) check(schemas, s, value, path, issues);
  if ('const' in schema && schema['const'] !== value) {
    issues.push(`${at}: expected ${JSON.stringify(schema['const'])}`);
    return;
  }
  const allowed = schema['enum'];
  if (Array.isArray(allowed) && !allowed.includes(value)) {
    issues.push(`${at}: expected one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}`);
    return;
  }
  const type = schema['type'];
  const types = typeof type === 'string' ? [type] : Array.isArray(type) ? (type as string[]) : null;
  if (types !== null && !types.some((t) => typeMatches(t, value))) {
    issues.push(`${at}: expected ${types.join(' or ')}, received ${typeOf(value)}`);
    return;
  }
  if (typeOf(value) === 'array') {
    const items = schema['items'];
    if (typeof items === 'object' && items !== null) {
      (value as unknown[]).forEach((v, i) =>
        check(schemas, items as Schema, v, `${path}.${i}`.replace(/^\./, ''), issues),
      );
    }
    return;
  }
  if (typeOf(value) !== 'object') return;
  const object = value as Record<string, unknown>;
  const properties = (schema['properties'] ?? {}) as Record<string, Schema>;
  for (const name of (schema['required'] ?? []) as string[]) {
    if (!(name in object)) issues.push(`${path === '' ? '' : `${path}.`}${name}: required`);
  }
  const rest = schema['additionalProperties'];
  for (const [name, v] of Object.entries(object)) {
    const sub = `${path === '' ? '' : `${path}.`}${name}`;
    const declared = properties[name];
    // An unknown field passes (as zod's parse lets it through); a record's values are checked.
    if (declared !== undefined) check(schemas, declared, v, sub, issues);
    else if (typeof rest === 'object' && rest !== null) check(schemas, rest as Schema, v, sub, issues);
  }
}

/** What is wrong with `value` as an answer of `ref`, at most a few issues; empty when it conforms. */
export function wireIssues<T>(schemas: SchemaSet, ref: WireRef<T>, value: unknown): string[] {
  const schema = schemas[ref.id];
  if (schema === undefined) return [`no wire schema ${ref.id}`];
  const issues: string[] = [];
  check(schemas, schema, value, '', issues);
  return issues;
}

export function conforms<T>(schemas: SchemaSet, ref: WireRef<T>, value: unknown): value is T {
  return wireIssues(schemas, ref, value).length === 0;
}
