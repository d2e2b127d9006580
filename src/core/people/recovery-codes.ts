import { CoreError } from '../errors.js';

/**
 * Recovery codes: the way back in when the phone with the authenticator is lost. Each is 16
 * characters of Crockford base32 (80 bits, out of reach of guessing even against the stored
 * hashes), shown once in four groups, stored hashed, usable once. Reading them back forgives what
 * people do when copying by hand: case, spaces, hyphens, O for 0, I and L for 1.
 */
export const RECOVERY_CODE_COUNT = 10;
export const RECOVERY_CODE_BYTES = 10;
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A code from 10 random bytes (the caller brings the randomness): `XXXX-XXXX-XXXX-XXXX`. */
export function formatRecoveryCode(bytes: Uint8Array): string {
  if (bytes.length !== RECOVERY_CODE_BYTES) throw new RangeError(`a recovery code needs ${RECOVERY_CODE_BYTES} random bytes`);
  let bits = 0;
  let value = 0;
  let out = '';
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  return out.match(/.{4}/g)!.join('-');
}

/** The canonical form of a typed code (what is hashed), or throws AUTH_FACTOR_INVALID when it cannot be one. */
export function normalizeRecoveryCode(input: string): string {
  const s = input.normalize('NFKC').toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  if (s.length !== 16 || [...s].some((c) => !ALPHABET.includes(c))) {
    throw new CoreError('AUTH_FACTOR_INVALID', 'that code is not valid', {});
  }
  return s;
}

/** True when the text has the shape of a recovery code (not whether it is one of the account's). */
export function isRecoveryCodeFormat(input: string): boolean {
  try {
    normalizeRecoveryCode(input);
    return true;
  } catch {
    return false;
  }
}
