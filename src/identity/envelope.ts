// Envelope encryption: a random data key per user, wrapped by the master key; values sealed with AES-256-GCM.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { credentialError } from '../core/index.js';

const KEY_BYTES = 32;
const IV_BYTES = 12;
const PREFIX = 'v1';

export interface MasterKey {
  /** Names the key, so a rotated master key can still unwrap old data keys once kept alongside. */
  readonly kid: string;
  readonly key: Buffer;
}

/** A master key from its base64 form (32 bytes); the kid is derived so it never has to be configured. */
export function masterKeyFrom(base64: string): MasterKey {
  const key = Buffer.from(base64, 'base64');
  if (key.length !== KEY_BYTES) {
    throw credentialError(`The master key must be ${KEY_BYTES} bytes of base64, got ${key.length} bytes.`);
  }
  return { kid: createHash('sha256').update(key).digest('hex').slice(0, 16), key };
}

export const newDataKey = (): Buffer => randomBytes(KEY_BYTES);
export const newMasterKeyBase64 = (): string => randomBytes(KEY_BYTES).toString('base64');

/** `v1.<kid>.<iv>.<ciphertext>.<tag>`; `aad` binds the value to its owner so rows cannot be swapped. */
export function seal(key: Buffer, kid: string, plain: Buffer, aad: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad));
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  return [PREFIX, kid, iv, body, cipher.getAuthTag()]
    .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
    .join('.');
}

export function open(key: Buffer, kid: string, sealed: string, aad: string): Buffer {
  const [prefix, sealedKid, iv, body, tag] = sealed.split('.');
  if (prefix !== PREFIX || iv === undefined || body === undefined || tag === undefined) {
    throw credentialError('A stored secret is not in a known format.');
  }
  if (sealedKid !== kid)
    throw credentialError(`A stored secret was sealed with an unknown key ${sealedKid}.`);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(aad));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]);
  } catch {
    throw credentialError('A stored secret could not be decrypted: wrong key or tampered data.');
  }
}

export const wrapDataKey = (master: MasterKey, dataKey: Buffer, user: string): string =>
  seal(master.key, master.kid, dataKey, `uek:${user}`);

export const unwrapDataKey = (master: MasterKey, wrapped: string, user: string): Buffer =>
  open(master.key, master.kid, wrapped, `uek:${user}`);
