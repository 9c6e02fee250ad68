// Query-string coercions upstream's clients rely on: repeated keys, Python-style booleans.
import { z } from 'zod';

/** `?k=a&k=b`, `?k=a` and no `k` all become a list. */
export const repeated = z.preprocess(
  (v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]),
  z.array(z.string()),
);

/** Upstream's CLI sends booleans as True/False; accept both spellings. */
export const flag = z.preprocess((v) => {
  if (typeof v !== 'string') return v;
  if (/^(true|1)$/i.test(v)) return true;
  if (/^(false|0)$/i.test(v)) return false;
  return v;
}, z.boolean());

/** An ISO-8601 date-time filter such as `submitted_after`. */
export const isoDate = z
  .string()
  .transform((s) => new Date(s))
  .refine((d) => !Number.isNaN(d.getTime()), 'must be an ISO date-time')
  .optional();

/** Naive ISO-8601 without an offset, as upstream serialises TIMESTAMP columns. */
export const wireTime = (d: Date | null): string | null => (d === null ? null : d.toISOString().slice(0, -1));

export const seconds = (from: Date | null, to: Date | null): number | null =>
  from === null || to === null ? null : (to.getTime() - from.getTime()) / 1000;
