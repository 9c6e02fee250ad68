// JSON text the way Python's json.dumps writes it: ASCII-only, ", "/": " separators.

export type JsonIndent = 0 | 2 | 4;

function escapeString(text: string): string {
  let out = '"';
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\b') out += '\\b';
    else if (ch === '\f') out += '\\f';
    else if (code < 0x20 || code > 0x7e) {
      // Python escapes each UTF-16 unit, so astral characters become a surrogate pair.
      for (let i = 0; i < ch.length; i += 1) {
        out += `\\u${ch.charCodeAt(i).toString(16).padStart(4, '0')}`;
      }
    } else out += ch;
  }
  return `${out}"`;
}

function render(value: unknown, indent: JsonIndent, depth: number): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return escapeString(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return 'NaN';
    if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
    return String(value);
  }
  const pad = indent === 0 ? '' : `\n${' '.repeat(indent * (depth + 1))}`;
  const close = indent === 0 ? '' : `\n${' '.repeat(indent * depth)}`;
  const sep = indent === 0 ? ', ' : ',';
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[${value.map((v) => pad + render(v, indent, depth + 1)).join(sep)}${close}]`;
  }
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return '{}';
    const parts = entries.map(([k, v]) => `${pad}${escapeString(k)}: ${render(v, indent, depth + 1)}`);
    return `{${parts.join(sep)}${close}}`;
  }
  return escapeString(String(value));
}

/** `json.dumps(value, indent=indent or None)`. */
export function toPythonJson(value: unknown, indent: JsonIndent): string {
  return render(value, indent, 0);
}
