// Builds file paths from names that may come from a request: every name is checked first, the result stays under its root.
import { resolve, sep } from 'node:path';
import { userError } from '../core/index.js';

/** One path component: no separators, no `.`/`..`, nothing a shell or a file system treats specially. */
const SAFE_SEGMENT = /^(?!\.\.?$)[A-Za-z0-9._-]{1,255}$/;

export const isSafeSegment = (name: string): boolean => SAFE_SEGMENT.test(name);

/**
 * `root/segments...`, refusing (400) any segment that is not a plain name before a path is built,
 * and any result that would leave `root` (a second line of defence against a name rule that is too lax).
 */
export function confinedPath(root: string, segments: readonly string[]): string {
  for (const segment of segments) {
    if (!isSafeSegment(segment)) throw userError(`Invalid name in a file path: "${segment}"`);
  }
  const base = resolve(root);
  const full = resolve(base, ...segments);
  if (full !== base && !full.startsWith(base + sep)) {
    throw userError(`Invalid name in a file path: "${segments.join('/')}"`);
  }
  return full;
}
