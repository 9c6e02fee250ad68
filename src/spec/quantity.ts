// Memory / storage / cache quantities: binary units only.

import { resourceError } from '../core/errors.js';
import { pyFloatRepr } from './py-float.js';

const QUANTITY_PATTERN = /^(\d+(\.\d+)?)([a-zA-Z]*)$/;
const KI = 1024;
const MI = KI * 1024;
const GI = MI * 1024;
const TI = GI * 1024;

// Single-letter K/M/G/T are binary too, unlike Kubernetes; `m` is upstream's 1/1024-byte quirk.
const UNIT_BYTES: Readonly<Record<string, number>> = {
  '': 1,
  B: 1,
  m: 1 / 1024,
  K: KI,
  Ki: KI,
  KiB: KI,
  M: MI,
  Mi: MI,
  MiB: MI,
  G: GI,
  Gi: GI,
  GiB: GI,
  T: TI,
  Ti: TI,
  TiB: TI,
};

/**
 * Parses a quantity such as `16Gi`, `512M` or `1024` into bytes.
 * `field` names the spec field in the error (`memory`, `storage`, `cache`). Throws OsmoError(RESOURCE).
 */
export function parseQuantityBytes(text: string | number, field: string): number {
  const value = typeof text === 'number' ? String(text) : text;
  const match = QUANTITY_PATTERN.exec(value);
  if (match === null || (typeof text === 'number' && !Number.isFinite(text))) {
    throw resourceError(`Resource ${field} field has invalid value ${value}`);
  }
  const unit = match[3] ?? '';
  const factor = Object.hasOwn(UNIT_BYTES, unit) ? UNIT_BYTES[unit] : undefined;
  if (factor === undefined) throw resourceError(`Resource ${field} field has invalid unit: ${unit}`);
  return Number(match[1]) * factor;
}

/** Bytes as GiB, the unit task accounting stores. */
export const bytesToGib = (bytes: number): number => bytes / GI;

/**
 * The quantity as the resource rules see it: upstream rewrites a bare byte count to `<bytes/1024>Ki`
 * (`1024` → `1.0Ki`) when it normalises the spec, so `1073741824` compares as 1 GiB, not as a plain number.
 */
export function quantityRuleText(text: string): string {
  const match = QUANTITY_PATTERN.exec(text);
  if (match === null || (match[3] ?? '') !== '') return text;
  return `${pyFloatRepr(Number(match[1]) / KI)}Ki`;
}
