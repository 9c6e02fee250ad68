// Storage URIs of the reference: scheme, profile (scheme + bucket part) and key prefix.
import { usageError } from '../core/index.js';

export const STORAGE_SCHEMES = ['s3', 'gs', 'azure', 'swift', 'tos', 'file'] as const;
export type StorageScheme = (typeof STORAGE_SCHEMES)[number];

/** Schemes this build can read and write; the others parse but are refused when opened. */
export const SUPPORTED_STORAGE_SCHEMES: readonly StorageScheme[] = ['s3', 'file'];

export interface StorageUri {
  readonly scheme: StorageScheme;
  /** The credential profile: scheme plus the bucket/container part, e.g. `s3://bucket`. */
  readonly profile: string;
  /** The bucket (s3/gs/tos), `account/container` (azure) or `a/b` (swift); the root directory for file. */
  readonly container: string;
  /** The key prefix inside the container, without leading or trailing `/`. */
  readonly prefix: string;
}

// How many path segments name the container, and how many segments a data URI needs at least.
const SHAPES: Readonly<Record<Exclude<StorageScheme, 'file'>, { container: number; least: number }>> = {
  s3: { container: 1, least: 1 },
  gs: { container: 1, least: 1 },
  tos: { container: 1, least: 2 },
  azure: { container: 1, least: 2 },
  swift: { container: 2, least: 3 },
};
const FORBIDDEN_SEGMENT = /[/,;*]/;

/** Parses a data URI (`s3://bucket/path`, …); anything else is `Invalid storage path: <uri>`. */
export function parseStorageUri(uri: string): StorageUri {
  const parsed = parseAny(uri, false);
  if (parsed === null) throw usageError(`Invalid storage path: ${uri}`);
  return parsed;
}

/** Parses a URI or bare profile as `data check` accepts them (`s3://bucket`, `swift://a/b`). */
export function parseStorageProfile(uri: string): StorageUri {
  const parsed = parseAny(uri, true);
  if (parsed === null) throw usageError(`Invalid storage credential path: ${uri}`);
  return parsed;
}

function parseAny(uri: string, profileOnly: boolean): StorageUri | null {
  const match = /^([a-z][a-z0-9+.-]*):\/\/(.*)$/i.exec(uri);
  const scheme = match?.[1]?.toLowerCase();
  const rest = match?.[2];
  if (scheme === undefined || rest === undefined) return null;
  if (scheme === 'file') {
    if (!rest.startsWith('/')) return null;
    return { scheme: 'file', profile: 'file://', container: '/', prefix: trimSlashes(rest) };
  }
  if (!isCloudScheme(scheme)) return null;
  const segments = rest.replace(/\/$/, '').split('/');
  if (segments.some((s) => s === '' || FORBIDDEN_SEGMENT.test(s))) return null;
  const shape = SHAPES[scheme];
  const least = profileOnly ? shape.container : shape.least;
  if (segments.length < least) return null;
  const container = segments.slice(0, shape.container).join('/');
  return {
    scheme,
    profile: `${scheme}://${container}`,
    container,
    prefix: segments.slice(shape.container).join('/'),
  };
}

const isCloudScheme = (s: string): s is Exclude<StorageScheme, 'file'> => s in SHAPES;
const trimSlashes = (s: string): string => s.replace(/^\/+/, '').replace(/\/+$/, '');
