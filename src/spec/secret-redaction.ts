// Masks secret-looking values in a spec shown back to users, line by line, keeping every line in place.

import { loadYaml } from './yaml-dialect.js';

/** Matches `word` in any letter case (JavaScript has no inline `(?i:...)` group in Node 20). */
const anyCase = (word: string): string =>
  [...word].map((c) => (/[a-z]/i.test(c) ? `[${c.toLowerCase()}${c.toUpperCase()}]` : c)).join('');

// Key words that make an assignment secret; `api` counts only as `api`, `Api` or `API`.
const SENSITIVE_WORD = [
  anyCase('access'),
  anyCase('auth'),
  '[Aa]pi',
  'API',
  anyCase('credential'),
  anyCase('creds'),
  anyCase('key'),
  `${anyCase('passw')}(?:${anyCase('or')})?${anyCase('d')}`,
  anyCase('secret'),
  anyCase('token'),
].join('|');

/**
 * `<key containing a sensitive word> <separator> <value>`: the value (group 1) is 10–150 word, `.`, `=`
 * or `-` characters, or a base64-looking run of 12 or more, ending at a quote, space, `;`, an escaped
 * newline or the end of the line. The separators cover YAML, shell, JSON and Makefile assignments.
 */
const SECRET_ASSIGNMENT = new RegExp(
  `[\\w.-]{0,50}?(?:${SENSITIVE_WORD})[ \\t\\w.-]{0,20}[\\s'"]{0,3}` +
    `(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\`'"\\s=]{0,5}` +
    `([\\w.=-]{10,150}|[A-Za-z0-9][A-Za-z0-9+/]{11,}={0,3})(?=[\`'"\\s;]|\\\\[nr]|$)`,
  'g',
);

/** A whole base64 token of 16 or more characters, not part of a longer one. */
const BASE64_FRAGMENT = /(?<![A-Za-z0-9+/])[A-Za-z0-9+/]{16,}={0,2}(?![A-Za-z0-9+/=])/g;

export const MASK = '[MASKED]';

function decodeBase64Text(fragment: string): string | null {
  const unpadded = fragment.replace(/=+$/, '');
  if (unpadded.length % 4 === 1) return null;
  try {
    const binary = atob(unpadded + '='.repeat((4 - (unpadded.length % 4)) % 4));
    const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    // Not base64, or not text once decoded: an ordinary word, left as it is.
    return null;
  }
}

const SENSITIVE_KEY = new RegExp(`(?:${SENSITIVE_WORD})`);

/** `environment:` opening a block mapping (in a task, or a list item of one). */
const ENVIRONMENT_BLOCK = /^( *)(?:- +)?environment: *(?:#.*)?$/;
/** One `KEY: value` entry of a block mapping; the value may be quoted. */
const ENTRY = /^( *)(['"]?)([^'":#\s][^'":]*)\2: +(['"]?)(.*?)\4 *$/;
/** Values that say nothing secret, as the reference keeps them for environment variables. */
const HARMLESS_VALUE = /^(?:|true|True|TRUE|false|False|FALSE|0|1|\[MASKED\])$/;

/**
 * In an `environment:` block, a variable whose name has a sensitive word gets its value masked
 * whatever its length: the assignment rule needs 10 characters, and a short password is still one.
 * Template expressions (`{{ ... }}`) and credential references are left as they are.
 */
function maskEnvironmentValues(lines: readonly string[], keep: ReadonlySet<string>): string[] {
  let blockIndent: number | null = null;
  return lines.map((line) => {
    const opens = ENVIRONMENT_BLOCK.exec(line);
    if (opens !== null) {
      blockIndent = (opens[1] ?? '').length + (line.trimStart().startsWith('-') ? 2 : 0);
      return line;
    }
    if (blockIndent === null || line.trim() === '' || line.trimStart().startsWith('#')) return line;
    const entry = ENTRY.exec(line);
    const indent = line.length - line.trimStart().length;
    if (indent <= blockIndent) {
      blockIndent = null;
      return line;
    }
    if (entry === null) return line;
    const [, , , key = '', quote = '', value = ''] = entry;
    if (!SENSITIVE_KEY.test(key) || HARMLESS_VALUE.test(value) || value.includes('{{') || keep.has(value)) {
      return line;
    }
    return `${line.slice(0, line.lastIndexOf(`${quote}${value}${quote}`))}${quote}${MASK}${quote}`;
  });
}

function maskAssignments(line: string, keep: ReadonlySet<string>): string {
  return line.replace(SECRET_ASSIGNMENT, (match: string, value: string) =>
    keep.has(value) ? match : `${match.slice(0, match.length - value.length)}${MASK}`,
  );
}

/**
 * Replaces secret values with `[MASKED]`: values assigned to keys naming an access key, auth, API,
 * credential, key, password, secret or token, base64 fragments that decode to such an assignment,
 * and any value of such a variable in an `environment:` block.
 * `keep`: values never masked (the spec's credential names and credential keys, which are references,
 * not secrets).
 */
export function redactSecrets(text: string, keep: ReadonlySet<string> = new Set()): string {
  const lines = text.split('\n').map((line) => {
    const withoutEncoded = line.replace(BASE64_FRAGMENT, (fragment) => {
      const decoded = decodeBase64Text(fragment);
      return decoded !== null && maskAssignments(decoded, keep) !== decoded ? MASK : fragment;
    });
    return maskAssignments(withoutEncoded, keep);
  });
  return maskEnvironmentValues(lines, keep).join('\n');
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The names and keys a rendered spec's `credentials:` blocks refer to (`name: /dir` or
 * `name: {ENV: key}`): masking them would hide which credential a task uses, not a secret.
 */
export function credentialReferences(renderedSpec: string): Set<string> {
  const references = new Set<string>();
  let document: unknown;
  try {
    document = loadYaml(renderedSpec, '');
  } catch {
    // A spec that no longer parses keeps no exemptions: everything secret-looking is masked.
    return references;
  }
  const workflow = isRecord(document) ? document['workflow'] : undefined;
  if (!isRecord(workflow)) return references;
  const groups = Array.isArray(workflow['groups']) ? workflow['groups'] : [];
  const tasks = [
    ...(Array.isArray(workflow['tasks']) ? workflow['tasks'] : []),
    ...groups.flatMap((g: unknown) => (isRecord(g) && Array.isArray(g['tasks']) ? g['tasks'] : [])),
  ];
  for (const task of tasks) {
    const credentials = isRecord(task) ? task['credentials'] : undefined;
    if (!isRecord(credentials)) continue;
    for (const [name, use] of Object.entries(credentials)) {
      references.add(name);
      if (isRecord(use)) for (const key of Object.values(use)) references.add(String(key));
    }
  }
  return references;
}
