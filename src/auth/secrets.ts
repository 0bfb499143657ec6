import { createHash, randomBytes } from 'node:crypto';

/** A random secret safe for URLs and headers. */
export function randomSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/**
 * Session ids and API tokens are long random secrets, so a plain SHA-256 is enough to store
 * them safely (a slow hash is for guessable passwords).
 */
export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}
