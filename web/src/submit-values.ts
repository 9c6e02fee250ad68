// `--set` values on the submit forms: the text typed, and the defaults an app's spec declares.

/** One `key=value` a line; blank lines are dropped. */
export const parseValues = (text: string): string[] =>
  text
    .split('\n')
    .map((s) => s.trim())
    .filter((s) => s !== '');

/** Top-level `key: value` lines under `default-values:`; nested values show as their first line. */
export function defaultValues(spec: string): [string, string][] {
  const lines = spec.split('\n');
  const start = lines.findIndex((l) => /^default-values:\s*(#.*)?$/.test(l));
  if (start < 0) return [];
  const found: [string, string][] = [];
  let indent: number | null = null;
  for (const line of lines.slice(start + 1)) {
    if (line.trim() === '' || line.trim().startsWith('#')) continue;
    const depth = line.length - line.trimStart().length;
    if (depth === 0) break;
    indent ??= depth;
    if (depth !== indent) continue;
    const m = /^\s*([^:#\s][^:]*):\s*(.*)$/.exec(line);
    if (m?.[1] !== undefined) found.push([m[1].trim(), (m[2] ?? '').trim()]);
  }
  return found;
}
