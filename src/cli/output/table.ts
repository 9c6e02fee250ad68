// The one table renderer (cli.md §1.5): widest cell per column, three-space gaps, `=` rules.

export type Cell = string | number | boolean | null | undefined;

export interface TableOptions {
  /** A totals row, preceded by a second `=` line (cli.md §1.5 item 5). */
  readonly sumRow?: readonly Cell[];
  /** "Auto" cell typing: numeric text is re-formatted (item 6); default is verbatim text cells. */
  readonly autoTyped?: boolean;
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
  const widths = headers.map((_, col) =>
    Math.max(...all.map((row) => Math.max(...(row[col] ?? '').split('\n').map((l) => l.length)))),
  );
  const renderRow = (row: readonly string[]): string[] => {
    const split = widths.map((_, col) => (row[col] ?? '').split('\n'));
    const height = Math.max(...split.map((lines) => lines.length));
    const lines: string[] = [];
    for (let i = 0; i < height; i += 1) {
      lines.push(widths.map((w, col) => (split[col]?.[i] ?? '').padEnd(w)).join('   '));
    }
    return lines;
  };
  const total = widths.reduce((a, b) => a + b, 0) + 3 * (widths.length - 1);
  const rule = '='.repeat(total);
  const lines = [...renderRow(headers), rule, ...body.flatMap(renderRow)];
  if (sum !== undefined) lines.push(rule, ...renderRow(sum));
  return `${lines.join('\n')}\n`;
}
