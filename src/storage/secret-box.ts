import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { CoreError } from '../core/errors.js';

/**
 * Small secrets kept in the database but not readable from it (a TOTP seed): AES-256-GCM under a
 * key derived (HKDF-SHA256) from the installation's vault key, which lives outside the database.
 * Each purpose gets its own derived key, so a TOTP seed can never be opened as evidence or the
 * reverse. The record id is bound as associated data: a sealed seed copied onto another account's
 * row does not open there.
 */
export class SecretBox {
  private readonly key: Buffer;

  constructor(vaultKey: Uint8Array, purpose: string) {
    this.key = Buffer.from(hkdfSync('sha256', vaultKey, Buffer.alloc(0), `ccheck ${purpose}`, 32));
  }

  /** `v1.<iv>.<tag>.<ciphertext>`, base64url parts. */
  seal(plaintext: string, boundTo: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(boundTo, 'utf8'));
    const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return ['v1', iv, cipher.getAuthTag(), ct].map((p) => (typeof p === 'string' ? p : p.toString('base64url'))).join('.');
  }

  open(sealed: string, boundTo: string): string {
    const [v, iv, tag, ct] = sealed.split('.');
    if (v !== 'v1' || !iv || !tag || ct === undefined) throw new CoreError('VAULT_CORRUPT', 'a sealed secret is damaged', {});
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
      decipher.setAAD(Buffer.from(boundTo, 'utf8'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      // A wrong vault key or a tampered row: either way the secret cannot be trusted.
      throw new CoreError('VAULT_KEY_WRONG', 'a sealed secret does not open with this installation’s vault key', {});
    }
  }
}
