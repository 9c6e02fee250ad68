// Kubernetes-style quantities as `osmo resource` reads them: storage and memory in Gi.

const BINARY: Readonly<Record<string, number>> = {
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  K: 2 ** 10,
  M: 2 ** 20,
  G: 2 ** 30,
  T: 2 ** 40,
  KiB: 2 ** 10,
  MiB: 2 ** 20,
  GiB: 2 ** 30,
  TiB: 2 ** 40,
  B: 1,
  m: 1 / 1000,
};

/** Bytes of a quantity (a bare number is bytes); null when it cannot be read. */
export function quantityBytes(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value !== 'string') return null;
  const m = /^\s*([0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)\s*([A-Za-z]*)\s*$/.exec(value);
  if (!m) return null;
  const unit = m[2] ?? '';
  const factor = unit === '' ? 1 : BINARY[unit];
  return factor === undefined ? null : Number(m[1]) * factor;
}

export const RESOURCE_KINDS = ['storage', 'cpu', 'memory', 'gpu'] as const;
export type ResourceKind = (typeof RESOURCE_KINDS)[number];

/** A quantity in the unit the tables print: Gi for storage and memory, a count for cpu and gpu. */
export function displayAmount(kind: ResourceKind, value: unknown): number | null {
  if (kind === 'storage' || kind === 'memory') {
    const bytes = quantityBytes(value);
    return bytes === null ? null : bytes / 2 ** 30;
  }
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : NaN;
  return Number.isFinite(n) ? n : null;
}
