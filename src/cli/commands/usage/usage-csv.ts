// Usage as CSV (RFC 4180): one header line of the wire field names, one line per row, no total.
import { AMOUNT_COLUMNS, KEY_COLUMNS, type UsageResponse } from './usage-columns.js';

const field = (value: string | number | null | undefined): string => {
  const text = value === null || value === undefined ? '' : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

export function usageCsv(response: UsageResponse): string {
  const columns = [...KEY_COLUMNS[response.group_by], ...AMOUNT_COLUMNS];
  const lines = [columns.join(','), ...response.usage.map((r) => columns.map((c) => field(r[c])).join(','))];
  return lines.map((l) => `${l}\r\n`).join('');
}
