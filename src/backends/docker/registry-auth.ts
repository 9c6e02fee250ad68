// Turns a REGISTRY credential into the engine's pull auth, rejecting the base64 `auth=` pitfall clearly.
import { credentialError, type RegistryAuth } from '../../core/index.js';
import type { PullAuth } from './engine-client.js';

/** The registry host of an image reference (`docker.io` when the first segment is not a host). */
export function registryOfImage(image: string): string {
  const slash = image.indexOf('/');
  if (slash < 0) return 'docker.io';
  const first = image.slice(0, slash);
  return first.includes('.') || first.includes(':') || first === 'localhost' ? first : 'docker.io';
}

/**
 * A Docker `config.json` style `auth` (base64 of `user:password`) given where the raw password belongs
 * fails every pull with an opaque 401; say what is wrong instead.
 */
export function looksLikeBase64UserPassword(value: string, username: string): boolean {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(value) || value.length % 4 !== 0) return false;
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  if (Buffer.from(decoded, 'utf8').toString('base64') !== value) return false;
  const colon = decoded.indexOf(':');
  if (colon <= 0 || !/^[\x20-\x7e]+$/.test(decoded)) return false;
  return username === '' || decoded.slice(0, colon) === username;
}

/** The pull auth for an image, or null when the credential does not cover its registry. */
export function pullAuthFor(image: string, auth: RegistryAuth | null | undefined): PullAuth | null {
  if (auth === null || auth === undefined) return null;
  const registry = registryOfImage(image);
  if (auth.registry !== '' && auth.registry !== registry) return null;
  if (looksLikeBase64UserPassword(auth.password, auth.username)) {
    throw credentialError(
      `The registry credential for ${registry} has a base64-encoded "user:password" in auth=. ` +
        'Give the raw password or API key in auth= and the user name in username= ' +
        '(not the "auth" value of a Docker config.json).',
    );
  }
  return { username: auth.username, password: auth.password, serveraddress: registry };
}
