// Finds where in a template a Jinja failure is: the engine reports no positions, so tags are re-scanned here.

import { parse, tokenize } from '@huggingface/jinja';

type Token = ReturnType<typeof tokenize>[number];

/** One `{% %}`, `{{ }}` or `{# #}` tag: its source span and whether a closing delimiter was found. */
interface Tag {
  readonly start: number;
  readonly end: number;
  readonly closed: boolean;
}

/** Where a failure is (an offset into the template) and, when it helps, a better description. */
export interface FailureSite {
  readonly offset: number;
  readonly detail?: string;
}

/**
 * The tags of a template in order, split the way the engine's lexer splits them: a tag ends at the
 * first `%}`, or `}}` outside `{ }` literals, that is not inside a string; a comment at `#}`.
 */
function scanTags(src: string): Tag[] {
  const tags: Tag[] = [];
  let pos = 0;
  for (;;) {
    const open = src.slice(pos).search(/\{[%{#]/);
    if (open < 0) return tags;
    const start = pos + open;
    const tag = src[start + 1] === '#' ? commentTag(src, start) : codeTag(src, start);
    tags.push(tag);
    pos = tag.end;
  }
}

function commentTag(src: string, start: number): Tag {
  const close = src.indexOf('#}', start + 2);
  return close < 0 ? { start, end: src.length, closed: false } : { start, end: close + 2, closed: true };
}

function codeTag(src: string, start: number): Tag {
  let depth = 0;
  let i = start + 2;
  while (i < src.length) {
    const c = src[i];
    const pair = src.slice(i, i + 2);
    if (c === '"' || c === "'") {
      i = stringEnd(src, i);
    } else if (pair === '%}' || (pair === '}}' && depth <= 0)) {
      return { start, end: i + 2, closed: true };
    } else if (pair === '{%' || pair === '{{') {
      if (pair === '{{') depth = 0;
      i += 2;
    } else {
      if (c === '{') depth++;
      if (c === '}') depth--;
      i++;
    }
  }
  return { start, end: src.length, closed: false };
}

function stringEnd(src: string, quoteAt: number): number {
  let i = quoteAt + 1;
  while (i < src.length && src[i] !== src[quoteAt]) i += src[i] === '\\' ? 2 : 1;
  return i + 1;
}

/** Whitespace control: `{%-` trims the text before, `-%}` the text after, as the engine does. */
function gapText(src: string, from: number, to: number, tags: readonly Tag[], next: number): string {
  let text = src.slice(from, to);
  const before = tags[next - 1];
  const after = tags[next];
  if (before !== undefined && /-[%}#]}$/.test(src.slice(before.start, before.end))) text = text.trimStart();
  if (after !== undefined && /^\{[%{#]-/.test(src.slice(after.start, after.end))) text = text.trimEnd();
  return text;
}

// The parser reads only `type` and `value`; the engine does not export its Token class.
const textToken = (value: string): Token => ({ type: 'Text', value }) as Token;

interface LocatedTokens {
  readonly tokens: Token[];
  /** Source offset of each token: its tag's start, or the start of its text. */
  readonly offsets: number[];
}

/** Tokens of each tag lexed on its own, so each token keeps its place; or the first tag that fails to lex. */
function locatedTokens(src: string, tags: readonly Tag[]): LocatedTokens | FailureSite {
  const tokens: Token[] = [];
  const offsets: number[] = [];
  let pos = 0;
  for (const [index, tag] of tags.entries()) {
    const text = gapText(src, pos, tag.start, tags, index);
    if (text !== '') {
      tokens.push(textToken(text));
      offsets.push(pos);
    }
    try {
      for (const token of tokenize(src.slice(tag.start, tag.end))) {
        tokens.push(token);
        offsets.push(tag.start);
      }
    } catch (err) {
      return { offset: tag.start, detail: err instanceof Error ? err.message : String(err) };
    }
    pos = tag.end;
  }
  const rest = gapText(src, pos, src.length, tags, tags.length);
  if (rest !== '') {
    tokens.push(textToken(rest));
    offsets.push(pos);
  }
  return { tokens, offsets };
}

/** The index of the token the parser read last before it failed (tokens.length: it ran out). */
function failingTokenIndex(tokens: readonly Token[]): number | null {
  let last = -1;
  const watched = new Proxy(tokens as Token[], {
    get(target, property, receiver) {
      if (typeof property === 'string' && /^\d+$/.test(property)) last = Number(property);
      return Reflect.get(target, property, receiver) as unknown;
    },
  });
  try {
    parse(watched);
    return null;
  } catch {
    return Math.min(Math.max(last, 0), tokens.length);
  }
}

const BLOCK_ENDS: Readonly<Record<string, string>> = {
  if: 'endif',
  for: 'endfor',
  macro: 'endmacro',
  call: 'endcall',
  filter: 'endfilter',
  set: 'endset',
};

/** The innermost block statement the template opens and never closes. */
function unclosedBlock(located: LocatedTokens): { name: string; offset: number } | null {
  const open: { name: string; offset: number }[] = [];
  const { tokens, offsets } = located;
  for (let i = 0; i + 1 < tokens.length; i++) {
    if (tokens[i]?.type !== 'OpenStatement' || tokens[i + 1]?.type !== 'Identifier') continue;
    const word = tokens[i + 1]?.value ?? '';
    // `{% set x = 1 %}` is a whole statement; only `{% set x %}...{% endset %}` is a block.
    const isInlineSet = word === 'set' && tokens.slice(i, i + 8).some((t) => t.type === 'Equals');
    if (word in BLOCK_ENDS && !isInlineSet) open.push({ name: word, offset: offsets[i] ?? 0 });
    else if (word.startsWith('end') && open.at(-1)?.name === word.slice(3)) open.pop();
  }
  return open.at(-1) ?? null;
}

/** Where a template that failed to tokenize or parse goes wrong; null when the place cannot be found. */
export function locateSyntaxError(src: string): FailureSite | null {
  const tags = scanTags(src);
  const located = locatedTokens(src, tags);
  if (!('tokens' in located)) return located;
  const index = failingTokenIndex(located.tokens);
  if (index === null) return null;
  if (index < located.tokens.length) return { offset: located.offsets[index] ?? 0 };
  const last = tags.at(-1);
  if (last !== undefined && !last.closed) {
    return { offset: last.start, detail: `"${src.slice(last.start, last.start + 2)}" is never closed` };
  }
  const block = unclosedBlock(located);
  if (block !== null) {
    return {
      offset: block.offset,
      detail: `the "${block.name}" block opened here is never closed with {% ${BLOCK_ENDS[block.name] ?? ''} %}`,
    };
  }
  return { offset: last?.start ?? src.length, detail: 'unexpected end of template' };
}

/** The first tag using `name` as a name (not inside a string): where a runtime failure about it starts. */
export function locateName(src: string, name: string): FailureSite | null {
  for (const tag of scanTags(src)) {
    let tokens: Token[];
    try {
      tokens = tokenize(src.slice(tag.start, tag.end));
    } catch {
      continue;
    }
    if (tokens.some((t) => t.type === 'Identifier' && t.value === name)) return { offset: tag.start };
  }
  return null;
}

/** 1-based line of an offset. */
export const lineAt = (src: string, offset: number): number => src.slice(0, offset).split('\n').length;
