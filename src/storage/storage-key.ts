// Object keys: `/`-separated, relative, never escaping the storage root.
import { userError } from '../core/index.js';

/** Normalises a key (drops empty and `.` segments) and rejects `..` or an empty result. */
export function normalizeKey(key: string): string {
  const segments = splitKey(key);
  if (segments.length === 0) throw userError(`Invalid storage key "${key}": it names no object`);
  return segments.join('/');
}

/** Normalises a prefix; an empty prefix means the whole storage. */
export function normalizePrefix(prefix: string): string {
  return splitKey(prefix).join('/');
}

export function joinKey(...parts: readonly string[]): string {
  return normalizePrefix(parts.filter((p) => p !== '').join('/'));
}

function splitKey(key: string): string[] {
  if (key.includes('\0')) throw userError(`Invalid storage key "${key}": it contains a NUL character`);
  const segments = key.split('/').filter((s) => s !== '' && s !== '.');
  if (segments.includes('..')) throw userError(`Invalid storage key "${key}": ".." is not allowed`);
  return segments;
}
