// Sandboxed, strict Jinja rendering over @huggingface/jinja: only data in, only text out.

import { Environment, Interpreter, parse, tokenize } from '@huggingface/jinja';
import type { OsmoError } from '../core/errors.js';
import { usageError } from '../core/errors.js';
import { lineAt, locateName, locateSyntaxError } from './jinja-location.js';
import { PyFloat, pyFloatRepr } from './py-float.js';
import type { TemplateValue } from './template-values.js';

/** The structural view of the engine's runtime values we rely on (its classes are not exported). */
interface RuntimeValue {
  readonly type: string;
  readonly value: unknown;
}
type RuntimeCtor = new (value: unknown) => RuntimeValue;
interface AstNode {
  readonly type: string;
  readonly value?: unknown;
  readonly operand?: AstNode;
  readonly test?: AstNode;
  readonly filter?: AstNode;
  readonly callee?: AstNode;
  readonly object?: AstNode;
  readonly property?: AstNode;
}
type Evaluator = (node: AstNode, env: Environment) => RuntimeValue;

/** Upstream's limits: range() size, wall clock; plus an output cap standing in for the memory limit. */
export const JINJA_LIMITS = {
  maxRangeItems: 100_000,
  maxSeconds: 0.5,
  maxOutputChars: 16 * 1024 * 1024,
} as const;

/** A failure the sandbox raises itself (undefined names, unsafe attributes, limits), as opposed to the engine's. */
class JinjaFailure extends Error {}

const undefinedError = (detail: string): JinjaFailure => new JinjaFailure(detail);

// The engine keeps its value classes private; take their constructors from values it builds itself.
function probeRuntimeClasses(): Readonly<
  Record<'int' | 'float' | 'str' | 'bool' | 'null' | 'list' | 'dict' | 'undef', RuntimeCtor>
> {
  const env = new Environment();
  const ctor = (value: unknown): RuntimeCtor =>
    env.set(`v${env.variables.size}`, value).constructor as RuntimeCtor;
  return {
    int: ctor(1),
    float: ctor(1.5),
    str: ctor(''),
    bool: ctor(true),
    null: ctor(null),
    list: ctor([]),
    dict: ctor({}),
    undef: env.lookupVariable('missing').constructor as RuntimeCtor,
  };
}
const RT = probeRuntimeClasses();

function toRuntime(value: TemplateValue): RuntimeValue {
  if (value === null) return new RT.null(null);
  if (value instanceof PyFloat) return new RT.float(value.value);
  if (value instanceof Date) return new RT.str(value.toISOString().replace(/T00:00:00\.000Z$/, ''));
  if (Array.isArray(value)) return new RT.list((value as readonly TemplateValue[]).map(toRuntime));
  switch (typeof value) {
    case 'number':
      return Number.isInteger(value) ? new RT.int(value) : new RT.float(value);
    case 'string':
      return new RT.str(value);
    case 'boolean':
      return new RT.bool(value);
    default: {
      const entries = Object.entries(value as Record<string, TemplateValue>);
      return new RT.dict(new Map(entries.map(([k, v]) => [k, toRuntime(v)])));
    }
  }
}

function pyRepr(value: RuntimeValue): string {
  return value.type === 'StringValue' ? `'${String(value.value).replaceAll("'", "\\'")}'` : pyStr(value);
}

/** Python's str() of a value, as Jinja prints it (`True`, `None`, `[1, 'a']`, `2.0`). */
function pyStr(value: RuntimeValue): string {
  switch (value.type) {
    case 'BooleanValue':
      return value.value === true ? 'True' : 'False';
    case 'NullValue':
      return 'None';
    case 'FloatValue':
      return pyFloatRepr(value.value as number);
    case 'ArrayValue':
    case 'TupleValue': {
      const items = (value.value as RuntimeValue[]).map(pyRepr).join(', ');
      return value.type === 'TupleValue' ? `(${items})` : `[${items}]`;
    }
    case 'ObjectValue': {
      const entries = [...(value.value as Map<string, RuntimeValue>)].map(([k, v]) => `'${k}': ${pyRepr(v)}`);
      return `{${entries.join(', ')}}`;
    }
    default:
      return String(value.value);
  }
}

function isDeclared(env: Environment | undefined, name: string): boolean {
  for (let scope = env; scope !== undefined; scope = scope.parent) if (scope.variables.has(name)) return true;
  return false;
}

function sandboxRange(start: unknown, stop?: unknown, step: unknown = 1): number[] {
  const [from, to] = stop === undefined ? [0, start] : [start, stop];
  for (const n of [from, to, step]) {
    if (!Number.isInteger(n)) throw new JinjaFailure("'float' object cannot be interpreted as an integer");
  }
  const [a, b, s] = [from as number, to as number, step as number];
  if (s === 0) throw new JinjaFailure('range() arg 3 must not be zero');
  const count = Math.max(0, Math.ceil((b - a) / s));
  if (count > JINJA_LIMITS.maxRangeItems) {
    throw new JinjaFailure(
      `Range too big. The sandbox blocks ranges larger than MAX_RANGE (${JINJA_LIMITS.maxRangeItems}).`,
    );
  }
  return Array.from({ length: count }, (_, i) => a + i * s);
}

function buildGlobals(variables: Readonly<Record<string, TemplateValue>>): Environment {
  const env = new Environment();
  for (const [name, value] of [
    ['true', true],
    ['false', false],
    ['none', null],
    ['True', true],
    ['False', false],
    ['None', null],
  ] as const) {
    env.set(name, value);
  }
  env.set('range', sandboxRange);
  for (const [name, value] of Object.entries(variables)) env.setVariable(name, toRuntime(value) as never);
  return env;
}

const LENIENT_TESTS = new Set(['defined', 'undefined']);
const LENIENT_FILTERS = new Set(['default', 'd']);

/** Wraps an interpreter so undefined names fail (StrictUndefined), output is Python-shaped and work is bounded. */
function strictInterpreter(env: Environment, deadline: number): Interpreter {
  const interpreter = new Interpreter(env);
  const self = interpreter as unknown as Record<string, Evaluator>;
  const original = (name: string): Evaluator => (self[name] as Evaluator).bind(interpreter);
  const evaluate = original('evaluate');
  const member = original('evaluateMemberExpression');
  const test = original('evaluateTestExpression');
  const filter = original('evaluateFilterExpression');
  const lenient = new WeakSet<AstNode>();
  let steps = 0;
  self['evaluate'] = (node, scope) => {
    // Loops are checked on every entry: an empty inner loop body never reaches evaluate().
    if ((++steps % 1024 === 0 || node.type === 'For') && Date.now() > deadline) {
      throw new JinjaFailure(`Process exceeded time limit of ${JINJA_LIMITS.maxSeconds} seconds`);
    }
    return evaluate(node, scope);
  };
  self['evaluateIdentifier'] = (node, scope) => {
    const name = String(node.value);
    if (!isDeclared(scope, name)) {
      if (lenient.has(node)) return new RT.undef(undefined);
      throw undefinedError(`'${name}' is undefined`);
    }
    return scope.lookupVariable(name) as RuntimeValue;
  };
  self['evaluateMemberExpression'] = (node, scope) => {
    const result = member(node, scope);
    if (result.type === 'UndefinedValue' && !lenient.has(node)) {
      const property = node.property?.type === 'Identifier' ? String(node.property.value) : 'item';
      if (property.startsWith('_')) {
        throw new JinjaFailure(`access to attribute '${property}' is unsafe.`);
      }
      throw undefinedError(`object has no attribute '${property}'`);
    }
    return result;
  };
  self['evaluateTestExpression'] = (node, scope) => {
    if (node.operand !== undefined && LENIENT_TESTS.has(String(node.test?.value))) lenient.add(node.operand);
    return test(node, scope);
  };
  self['evaluateFilterExpression'] = (node, scope) => {
    const name = node.filter?.type === 'CallExpression' ? node.filter.callee?.value : node.filter?.value;
    if (node.operand !== undefined && LENIENT_FILTERS.has(String(name))) lenient.add(node.operand);
    return filter(node, scope);
  };
  self['evaluateBlock'] = ((statements: readonly AstNode[], scope: Environment) => {
    let out = '';
    for (const statement of statements) {
      const value = self['evaluate']?.(statement, scope);
      if (value === undefined || value.type === 'NullValue' || value.type === 'UndefinedValue') continue;
      out += pyStr(value);
      if (out.length > JINJA_LIMITS.maxOutputChars) {
        throw new JinjaFailure(
          `Sandboxed process exceeded memory limit of ${JINJA_LIMITS.maxOutputChars} bytes`,
        );
      }
    }
    return new RT.str(out);
  }) as unknown as Evaluator;
  return interpreter;
}

// The engine names token types in its messages; users wrote the symbols.
const TOKEN_WORDS: Readonly<Record<string, string>> = {
  OpenStatement: "'{%'",
  CloseStatement: "'%}'",
  OpenExpression: "'{{'",
  CloseExpression: "'}}'",
  OpenParen: "'('",
  CloseParen: "')'",
  OpenCurlyBracket: "'{'",
  CloseCurlyBracket: "'}'",
  OpenSquareBracket: "'['",
  CloseSquareBracket: "']'",
  Comma: "','",
  Dot: "'.'",
  Colon: "':'",
  Pipe: "'|'",
  Equals: "'='",
  CallOperator: "'('",
  Identifier: 'a name',
  NumericLiteral: 'a number',
  StringLiteral: 'a string',
  Text: 'text',
  Comment: 'a comment',
  UnaryOperator: 'an operator',
  AdditiveBinaryOperator: 'an operator',
  MultiplicativeBinaryOperator: 'an operator',
  ExponentiationBinaryOperator: 'an operator',
  ComparisonBinaryOperator: 'an operator',
};

/** `Parser Error: Expected X. Colon !== CloseExpression.` → `Expected X, found ':'`. */
function syntaxDetail(message: string): string {
  const mismatch = /^Parser Error: (.+?)\. (\w+) !== \w+\.?$/.exec(message);
  const text = mismatch === null ? message : `${mismatch[1] ?? ''}, found ${mismatch[2] ?? ''}`;
  return text.replace(/\b[A-Z][A-Za-z]+\b/g, (word) => TOKEN_WORDS[word] ?? word);
}

/** The line of the user's file an offset into the template is on; the template starts on `firstLine`. */
const fileLine = (template: string, offset: number, firstLine: number): number =>
  firstLine - 1 + lineAt(template, offset);

// Upstream's phrase is kept because tools match on it; the Python exception class is not.
const failure = (detail: string): OsmoError => usageError(`Jinja substitution failure: ${detail}`);

function syntaxFailure(template: string, err: unknown, firstLine: number): OsmoError {
  const raw = err instanceof Error ? err.message : String(err);
  const site = locateSyntaxError(template);
  // A TypeError here is the parser running off the end of the tokens.
  const fallback = err instanceof TypeError ? 'unexpected end of template' : raw;
  const where = site === null ? '' : ` on line ${fileLine(template, site.offset, firstLine)}`;
  return failure(`syntax error${where}: ${syntaxDetail(site?.detail ?? fallback)}`);
}

function runtimeFailure(template: string, err: unknown, firstLine: number): OsmoError {
  const detail = err instanceof Error ? err.message : String(err);
  // Undefined names and missing or unsafe attributes are quoted: the first tag using the name is the place.
  const name = err instanceof JinjaFailure ? /'([A-Za-z_]\w*)'/.exec(detail)?.[1] : undefined;
  const site = name === undefined ? null : locateName(template, name);
  const where = site === null ? '' : `line ${fileLine(template, site.offset, firstLine)}: `;
  return failure(`${where}${detail}`);
}

/**
 * Renders a template with only the given data in scope (no host objects, no functions but `range`).
 * Undefined names fail like Jinja's StrictUndefined. Throws OsmoError(USAGE)
 * `Jinja substitution failure: [syntax error on ]line N: …`, counting lines from `firstLine`.
 */
export function renderJinja(
  template: string,
  variables: Readonly<Record<string, TemplateValue>>,
  firstLine = 1,
): string {
  let program: ReturnType<typeof parse>;
  try {
    program = parse(tokenize(template, { lstrip_blocks: false, trim_blocks: false }));
  } catch (err) {
    throw syntaxFailure(template, err, firstLine);
  }
  try {
    const interpreter = strictInterpreter(
      buildGlobals(variables),
      Date.now() + JINJA_LIMITS.maxSeconds * 1000,
    );
    const result = interpreter.run(program) as RuntimeValue;
    return String(result.value);
  } catch (err) {
    throw runtimeFailure(template, err, firstLine);
  }
}
