import { fromBase64Url, toBase64Url } from '../platform/crypto';

/**
 * Secrets at rest (the TOTP keys), sealed with AES-256-GCM under a key derived from APP_SECRET by HKDF,
 * bound to their row (the account id is the additional data, so a sealed value copied to another account
 * does not open). A copy of the database alone opens nothing.
 *
 * Format: v1.<iv>.<ciphertext>, base64url.
 */
const encoder = new TextEncoder();
const keys = new Map<string, Promise<CryptoKey>>();

/** The AES-GCM key of one server secret (HKDF-SHA256, its own info string: no other use of the secret shares it). */
export function sealingKey(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret);
  if (!key) {
    key = crypto.subtle
      .importKey('raw', encoder.encode(secret), 'HKDF', false, ['deriveKey'])
      .then((base) =>
        crypto.subtle.deriveKey(
          { name: 'HKDF', hash: 'SHA-256', salt: encoder.encode('xingping'), info: encoder.encode('xingping secret-box v1') },
          base,
          { name: 'AES-GCM', length: 256 },
          false,
          ['encrypt', 'decrypt'],
        ),
      );
    keys.set(secret, key);
  }
  return key;
}

/** Seals `plain` for the row `context` under the current secret. */
export async function seal(secrets: string[], context: string, plain: Uint8Array<ArrayBuffer>): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const sealed = await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: encoder.encode(context) }, await sealingKey(secrets[0]), plain);
  return `v1.${toBase64Url(iv)}.${toBase64Url(new Uint8Array(sealed))}`;
}

/** Opens a sealed value with the first secret that fits (undefined: none does, or it was not sealed for `context`). */
export async function unseal(secrets: string[], context: string, sealed: string): Promise<Uint8Array<ArrayBuffer> | undefined> {
  const [version, iv, data] = sealed.split('.');
  if (version !== 'v1' || !iv || !data) return undefined;
  for (const secret of secrets) {
    try {
      const plain = await crypto.subtle.decrypt(
        { name: 'AES-GCM', iv: fromBase64Url(iv), additionalData: encoder.encode(context) },
        await sealingKey(secret),
        fromBase64Url(data),
      );
      return new Uint8Array(plain);
    } catch {
      /* not this secret: try the next */
    }
  }
  return undefined;
}
