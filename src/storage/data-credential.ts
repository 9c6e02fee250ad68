// A DATA credential as the reference stores it, in the shape storage needs.

export const ADDRESSING_STYLES = ['virtual', 'path', 'auto'] as const;
export type AddressingStyle = (typeof ADDRESSING_STYLES)[number];

export interface DataCredential {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly region: string;
  /** An HTTP(S) endpoint for S3-compatible stores (MinIO, Ceph, a local test server). */
  readonly endpointUrl: string | null;
  readonly addressingStyle: AddressingStyle;
}

/** Finds the credential of a profile such as `s3://bucket`; null when none applies. */
export type CredentialResolver = (profile: string) => DataCredential | null;

/** `path` forces path-style; `auto` picks path-style for a custom endpoint (MinIO and friends need it). */
export const usesPathStyle = (c: DataCredential): boolean =>
  c.addressingStyle === 'path' || (c.addressingStyle === 'auto' && c.endpointUrl !== null);
