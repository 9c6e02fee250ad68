// The one table renderer: widest cell per column, three-space gaps, `=` rules; on a
// terminal it also fits the window and colours statuses.
import type { Io } from './io.js';
import { paint } from './io.js';
import { statusColour } from './status-colour.js';
import { clipLine, columnRole, fitColumnWidths, wrapLine } from './table-fit.js';

export type Cell = string | number | boolean | null | undefined;

/** How a table meets a terminal; without one it is the reference's unlimited, plain layout. */
export interface TableTerminal {
  /** Columns to fit into; undefined keeps every cell whole (`--wide`). */
  readonly columns: number | undefined;
  /**
   * `fit`: prose columns are cut with an ellipsis and others wrapped onto more lines; `wrap`:
   * every cell is wrapped (`config list --fit-width`).
   */
  readonly overflow: 'fit' | 'wrap';
  /** Status cells in a `Status` column are coloured. */
  readonly colour: boolean;
}

export interface TableOptions {
  /** A totals row, preceded by a second `=` line. */
  readonly sumRow?: readonly Cell[];
  /** "Auto" cell typing: numeric text is re-formatted (item 6); default is verbatim text cells. */
  readonly autoTyped?: boolean;
  /** Set when stdout is a terminal (see `tableTerminal`). */
  readonly terminal?: TableTerminal | undefined;
}

/**
 * The terminal facts of `io` for a table, or undefined when stdout is not a terminal: piped output
 * keeps the reference's exact layout, which scripts and tests compare byte for byte. Wrapping is
 * asked for explicitly (`config list --fit-width`), so it fits even under `--wide`.
 */
export function tableTerminal(io: Io, overflow: 'fit' | 'wrap' = 'fit'): TableTerminal | undefined {
  if (!io.isTty) return undefined;
  const fit = overflow === 'wrap' || !io.layout.wide;
  return { columns: fit ? io.columns('out') : undefined, overflow, colour: io.colour };
}

/** Python's str() of a float: integral values keep `.0`. */
export function pythonFloat(value: number): string {
  if (Number.isInteger(value) && Math.abs(value) < 1e16) return `${value}.0`;
  return String(value);
}

function textCell(value: Cell): string {
  if (value === null || value === undefined) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  return String(value);
}

function autoCell(value: Cell): string {
  const text = textCell(value);
  if (text.trim() === '' || typeof value === 'boolean') return text;
  const n = Number(text);
  if (!Number.isFinite(n)) return text;
  if (Math.abs(n) > 1e8) return n.toExponential(3).replace(/e([+-])(\d)$/, 'e$10$2');
  if (Number.isInteger(n)) return String(n);
  return n.toFixed(3);
}

const GAP = '   ';
const TIGHT_GAP = '  ';

function naturalWidths(all: readonly (readonly string[])[], count: number): number[] {
  return Array.from({ length: count }, (_, col) =>
    Math.max(...all.map((row) => Math.max(...(row[col] ?? '').split('\n').map((l) => l.length)))),
  );
}

/** Renders header, `=` rule and rows; every line ends with a newline. */
export function renderTable(
  headers: readonly string[],
  rows: readonly (readonly Cell[])[],
  options: TableOptions = {},
): string {
  const cellText = options.autoTyped === true ? autoCell : textCell;
  const body = rows.map((row) => row.map(cellText));
  const sum = options.sumRow === undefined ? undefined : options.sumRow.map(cellText);
  const all = [[...headers], ...body, ...(sum === undefined ? [] : [sum])];
  const natural = naturalWidths(all, headers.length);
  const terminal = options.terminal;
  const columns = terminal?.columns;
  const roles = headers.map(columnRole);
  const naturalTotal = natural.reduce((a, b) => a + b, 0) + GAP.length * (headers.length - 1);
  // A table that must give way also gives up one space of each gap (gh's two) before any cell.
  const gap = columns !== undefined && naturalTotal > columns ? TIGHT_GAP : GAP;
  const widths =
    columns === undefined
      ? natural
      : fitColumnWidths(natural, roles, columns - gap.length * (headers.length - 1));
  const fitLines = (text: string, col: number): string[] => {
    const width = widths[col] ?? 0;
    const cut = terminal?.overflow === 'fit' && roles[col] === 'prose';
    return text
      .split('\n')
      .flatMap((line) =>
        line.length <= width ? [line] : cut ? [clipLine(line, width)] : wrapLine(line, width),
      );
  };
  const statusColumn = terminal?.colour === true ? statusColumnOf(headers) : -1;
  const renderRow = (row: readonly string[], isBody: boolean): string[] => {
    const split = widths.map((_, col) => fitLines(row[col] ?? '', col));
    const height = Math.max(...split.map((lines) => lines.length));
    const lines: string[] = [];
    for (let i = 0; i < height; i += 1) {
      const cells = widths.map((w, col) => {
        const text = split[col]?.[i] ?? '';
        const padding = ' '.repeat(Math.max(0, w - text.length));
        const hue = isBody && col === statusColumn ? statusColour(text) : undefined;
        return hue === undefined ? text + padding : paint(hue, text) + padding;
      });
      lines.push(cells.join(gap));
    }
    return lines;
  };
  const total = widths.reduce((a, b) => a + b, 0) + gap.length * (widths.length - 1);
  const rule = '='.repeat(total);
  const lines = [...renderRow(headers, false), rule, ...body.flatMap((row) => renderRow(row, true))];
  if (sum !== undefined) lines.push(rule, ...renderRow(sum, false));
  return `${lines.join('\n')}\n`;
}

/** The column headed `Status` (its last header line, for multi-line headers), or -1. */
function statusColumnOf(headers: readonly string[]): number {
  return headers.findIndex((h) => (h.split('\n').pop() ?? '').trim().toLowerCase() === 'status');
}
