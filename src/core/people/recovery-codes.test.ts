import { describe, expect, it } from 'vitest';
import { formatRecoveryCode, isRecoveryCodeFormat, normalizeRecoveryCode } from './recovery-codes.js';

describe('recovery codes', () => {
  it('are 16 Crockford base32 characters in four groups, 80 bits from 10 bytes', () => {
    const code = formatRecoveryCode(new Uint8Array([0, 1, 2, 3, 4, 250, 251, 252, 253, 255]));
    expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$/);
    expect(formatRecoveryCode(new Uint8Array(10))).toBe('0000-0000-0000-0000');
    expect(formatRecoveryCode(new Uint8Array(10).fill(255))).toBe('ZZZZ-ZZZZ-ZZZZ-ZZZZ');
    // Different bytes give different codes (no bits dropped).
    expect(formatRecoveryCode(new Uint8Array([0, 0, 0, 0, 0, 0, 0, 0, 0, 1]))).toBe('0000-0000-0000-0001');
    expect(() => formatRecoveryCode(new Uint8Array(8))).toThrow(RangeError);
  });
  it('read back forgiving case, spaces, hyphens and O/I/L look-alikes', () => {
    expect(normalizeRecoveryCode(' abcd-efgh-jkmn-pq00 ')).toBe('ABCDEFGHJKMNPQ00');
    expect(normalizeRecoveryCode('ABCD EFGH JKMN PQoo')).toBe('ABCDEFGHJKMNPQ00');
    expect(normalizeRecoveryCode('1111-iiii-llll-0000')).toBe('1111111111110000');
  });
  it('refuse anything else with AUTH_FACTOR_INVALID', () => {
    expect(isRecoveryCodeFormat('ABCD-EFGH-JKMN-PQR')).toBe(false);
    expect(isRecoveryCodeFormat('ABCD-EFGH-JKMN-PQRU')).toBe(false); // U is not in the alphabet
    expect(() => normalizeRecoveryCode('123456')).toThrow(expect.objectContaining({ code: 'AUTH_FACTOR_INVALID' }) as Error);
  });
});
