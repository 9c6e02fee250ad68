// Fitting a table to a terminal: how wide each column may be, and a cell line cut or wrapped to it.

/** Columns are never squeezed below this (or their natural width, if narrower). */
export const MIN_COLUMN_WIDTH = 6;
const ELLIPSIS = '…';

/**
 * How a column gives way. `prose` (descriptions, labels, links) goes first and is cut with an
 * ellipsis; `plain` columns (users, times, sizes) go next and wrap; `key` columns (IDs, names,
 * statuses) stay whole, since a cut identifier can be neither read nor copied.
 */
export type ColumnRole = 'prose' | 'plain' | 'key';

const PROSE = /^(description|labels|overview|tags|roles|location|checksum|collections|url|message)$/i;
const KEY = /(^|\s)(id|name|task|status|workflow id|version|pool|bucket|hostname|node)$/i;

/** A column's role from its header (its last line, for multi-line headers). */
export function columnRole(header: string): ColumnRole {
  const title = (header.split('\n').pop() ?? '').trim();
  if (PROSE.test(title)) return 'prose';
  return KEY.test(title) ? 'key' : 'plain';
}

/**
 * Column widths whose sum fits `available`: prose columns shrink first, then plain ones, each group
 * capped at one level so the widest give way first (water-filling, as gh's table printer does);
 * key columns keep their width. When that is not enough the table overflows rather than cutting IDs.
 */
export function fitColumnWidths(
  natural: readonly number[],
  roles: readonly ColumnRole[],
  available: number,
): number[] {
  const widths = [...natural];
  for (const role of ['prose', 'plain'] as const) {
    const excess = widths.reduce((a, b) => a + b, 0) - available;
    if (excess <= 0) break;
    const members = widths.flatMap((_, i) => (roles[i] === role ? [i] : []));
    shrink(widths, members, excess);
  }
  return widths;
}

/** Takes up to `excess` columns off `members` of `widths`, widest first, none below its floor. */
function shrink(widths: number[], members: readonly number[], excess: number): void {
  const floor = new Map(members.map((i) => [i, Math.min(widths[i] ?? 0, MIN_COLUMN_WIDTH)]));
  const sumAt = (cap: number): number =>
    members.reduce((sum, i) => sum + Math.max(floor.get(i) ?? 0, Math.min(widths[i] ?? 0, cap)), 0);
  const current = sumAt(Number.POSITIVE_INFINITY);
  const target = current - excess;
  let low = 0;
  let high = Math.max(0, ...members.map((i) => widths[i] ?? 0));
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (sumAt(mid) <= target) low = mid;
    else high = mid - 1;
  }
  const capped = members.map((i) => [i, Math.max(floor.get(i) ?? 0, Math.min(widths[i] ?? 0, low))] as const);
  let spare = target - capped.reduce((sum, [, w]) => sum + w, 0);
  for (const [i, w] of capped) {
    const grow = spare > 0 && (widths[i] ?? 0) > w ? 1 : 0;
    widths[i] = w + grow;
    spare -= grow;
  }
}

/** The line cut to `width` characters, its last one an ellipsis when anything was cut. */
export function clipLine(line: string, width: number): string {
  if (line.length <= width) return line;
  return width <= 1 ? line.slice(0, width) : `${line.slice(0, width - 1)}${ELLIPSIS}`;
}

/** The line broken into pieces of at most `width` characters, at spaces where it can be. */
export function wrapLine(line: string, width: number): string[] {
  const pieces: string[] = [];
  let rest = line;
  while (rest.length > width) {
    const space = rest.lastIndexOf(' ', width);
    const cut = space > 0 ? space : width;
    pieces.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(space > 0 ? cut + 1 : cut);
  }
  pieces.push(rest);
  return pieces;
}
