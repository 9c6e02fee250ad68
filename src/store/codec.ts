// Converts values between their stored forms (ISO text, JSON text, 0/1) and domain forms.

import { randomUUID } from 'node:crypto';

/** ISO-8601 UTC with milliseconds: sorts chronologically as text and parses as timestamptz. */
export const writeTime = (date: Date): string => date.toISOString();
export const writeTimeOrNull = (date: Date | null | undefined): string | null =>
  date ? date.toISOString() : null;

export function readTime(value: Date | string): Date {
  return value instanceof Date ? value : new Date(value);
}

export function readTimeOrNull(value: Date | string | null): Date | null {
  return value === null ? null : readTime(value);
}

export const writeJson = (value: unknown): string => JSON.stringify(value ?? null);

/** SQLite hands back JSON text, PostgreSQL jsonb arrives parsed; stored values are never bare strings. */
export function readJson(value: unknown): unknown {
  return typeof value === 'string' ? (JSON.parse(value) as unknown) : value;
}

export const writeBool = (value: boolean): number => (value ? 1 : 0);
export const readBool = (value: number | boolean): boolean => value === true || value === 1;

/** Aggregates come back as bigint text from PostgreSQL and as numbers from SQLite. */
export const readNumber = (value: unknown): number => (value === null ? 0 : Number(value));

/** The 32-hex form of a random UUID, as upstream uses for workflow, group and task ids. */
export const newUuidHex = (): string => randomUUID().replace(/-/g, '');
